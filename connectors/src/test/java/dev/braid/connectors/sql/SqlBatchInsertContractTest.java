package dev.braid.connectors.sql;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class SqlBatchInsertContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new SqlFixture(SqlFixture.Kind.BATCH_INSERT);
    }
}
