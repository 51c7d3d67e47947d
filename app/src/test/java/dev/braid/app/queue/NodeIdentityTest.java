package dev.braid.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's name is its home's across restarts, and never shared by two live holders. */
class NodeIdentityTest {

    @TempDir
    Path home;

    @Test
    void aRestartOnTheSameHomeKeepsTheNameAndAnotherHomeGetsAnother() {
        NodeIdentity first = new NodeIdentity(home);
        String name = first.id();
        first.destroy();   // the process ends (SIGKILL releases the OS lock the same way)
        NodeIdentity again = new NodeIdentity(home);
        assertThat(again.id()).isEqualTo(name);
        assertThat(again.stable()).isTrue();
        assertThat(Files.exists(home.resolve(NodeIdentity.ID_FILE))).isTrue();
        again.destroy();
        NodeIdentity elsewhere = new NodeIdentity(home.resolve("other"));
        assertThat(elsewhere.id()).isNotEqualTo(name);
        elsewhere.destroy();
    }

    @Test
    void whileTheNameIsHeldASecondNodeOnTheSameHomeGetsANameOfItsOwnForThisStartOnly() {
        NodeIdentity live = new NodeIdentity(home);
        NodeIdentity second = new NodeIdentity(home);
        NodeIdentity third = new NodeIdentity(home);
        assertThat(second.id()).isNotEqualTo(live.id());
        assertThat(third.id()).isNotEqualTo(live.id()).isNotEqualTo(second.id());
        assertThat(second.stable()).isFalse();
        assertThat(live.stable()).isTrue();
        second.destroy();
        third.destroy();
        live.destroy();
    }
}
