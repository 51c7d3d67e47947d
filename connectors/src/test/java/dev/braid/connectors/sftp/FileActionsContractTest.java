package dev.braid.connectors.sftp;

import org.junit.jupiter.api.Nested;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

/** The connector contract for every file action, on an SFTP server ({@code sftp.*}) and on a local folder ({@code files.*}). */
class FileActionsContractTest {

    static ActionFixture read(String connector) {
        return new SftpActionFixture(connector, "read", "{path: 'inbox/a.csv', as: 'text'}", "{path: 'inbox/missing.csv'}");
    }

    static ActionFixture write(String connector) {
        return new SftpActionFixture(connector, "write", "{path: 'outbox/o.json', content: {id: 1}, as: 'json'}",
                "{path: 'inbox/a.csv', content: 'x', ifExists: 'fail'}");
    }

    static ActionFixture list(String connector) {
        return new SftpActionFixture(connector, "list", "{dir: 'inbox', pattern: '*.csv'}", "{dir: 'inbox', pattern: '[a-'}");
    }

    static ActionFixture move(String connector) {
        return new SftpActionFixture(connector, "move", "{from: 'inbox/a.csv', to: 'done/', ifExists: 'overwrite'}",
                "{from: 'inbox/missing.csv', to: 'done/'}");
    }

    static ActionFixture delete(String connector) {
        return new SftpActionFixture(connector, "delete", "{path: 'inbox/b.csv', ifMissing: 'ignore'}", "{path: 'inbox/missing.csv'}");
    }

    static ActionFixture newFiles(String connector) {
        return new SftpActionFixture(connector, "newFiles", "{dir: 'inbox', pattern: '*.csv', processed: 'move', moveTo: 'inbox/done'}",
                "{dir: 'inbox', processed: 'move'}");
    }

    @Nested class SftpRead extends ActionContractTest { protected ActionFixture fixture() { return read("sftp"); } }
    @Nested class SftpWrite extends ActionContractTest { protected ActionFixture fixture() { return write("sftp"); } }
    @Nested class SftpList extends ActionContractTest { protected ActionFixture fixture() { return list("sftp"); } }
    @Nested class SftpMove extends ActionContractTest { protected ActionFixture fixture() { return move("sftp"); } }
    @Nested class SftpDelete extends ActionContractTest { protected ActionFixture fixture() { return delete("sftp"); } }
    @Nested class SftpNewFiles extends ActionContractTest { protected ActionFixture fixture() { return newFiles("sftp"); } }
    @Nested class FilesRead extends ActionContractTest { protected ActionFixture fixture() { return read("files"); } }
    @Nested class FilesWrite extends ActionContractTest { protected ActionFixture fixture() { return write("files"); } }
    @Nested class FilesList extends ActionContractTest { protected ActionFixture fixture() { return list("files"); } }
    @Nested class FilesMove extends ActionContractTest { protected ActionFixture fixture() { return move("files"); } }
    @Nested class FilesDelete extends ActionContractTest { protected ActionFixture fixture() { return delete("files"); } }
    @Nested class FilesNewFiles extends ActionContractTest { protected ActionFixture fixture() { return newFiles("files"); } }
}
