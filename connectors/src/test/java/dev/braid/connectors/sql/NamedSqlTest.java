package dev.braid.connectors.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamedSqlTest {

    @Test
    void rewritesNamesAndKeepsCastsQuotesAndComments() {
        NamedSql sql = NamedSql.parse("""
                select :a, :a::int, :doc::jsonb, ':no' as "x:no", $$ :no $$, $t$ :no $t$ -- :no
                /* :no /* :nested */ :no */ from t where b = :b_2 and c = 'it''s :no'""");

        assertThat(sql.names()).containsExactly("a", "a", "doc", "b_2");
        assertThat(sql.jdbc()).startsWith("select ?, ?::int, ?::jsonb, ':no' as \"x:no\", $$ :no $$, $t$ :no $t$ -- :no")
                .endsWith("where b = ? and c = 'it''s :no'");
    }

    @Test
    void leavesPositionalDollarAndLoneColonsAlone() {
        NamedSql sql = NamedSql.parse("select $1, a[1:2], x := 3");

        assertThat(sql.names()).isEmpty();
        assertThat(sql.jdbc()).isEqualTo("select $1, a[1:2], x := 3");
    }
}
