package dev.braid.connectors.mail;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class MailSendActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new MailFixture();
    }
}
