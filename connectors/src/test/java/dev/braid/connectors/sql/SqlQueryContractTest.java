package dev.braid.connectors.sql;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class SqlQueryContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new SqlFixture(SqlFixture.Kind.QUERY);
    }
}
