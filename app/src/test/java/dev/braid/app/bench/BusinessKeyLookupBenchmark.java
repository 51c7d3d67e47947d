package dev.braid.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;

/**
 * A run lookup by business key (ARCHITECTURE §10, {@code GET /api/v1/runs?key.<name>=}) among many runs: generates
 * {@code bench.runs} runs (default 1,000,000) of one recipe straight into runs and run_keys — an order id unique
 * per run and a customer shared by ~100 runs — then prints the EXPLAIN ANALYZE of the list query for one order,
 * one customer's first page, and the same through the API. Not part of the default test run; run it with
 *
 * <pre>./mvnw -o -pl app -am verify -Dit.test=BusinessKeyLookupBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.runs=1000000</pre>
 *
 * and read the lines starting with "BENCH".
 */
@TestPropertySource(properties = "braid.worker.enabled=false")
class BusinessKeyLookupBenchmark extends BraidIntegrationTest {

    /** What RunStore.list runs for {@code ?key.<name>=<value>&limit=50} (one row more for the next cursor). */
    private static final String LIST = """
            select * from runs where true and id in (select run_id from run_keys where name = '%s' and value = '%s')
             order by id desc limit 51""";

    @Test
    void lookupByKeyAmongManyRuns() {
        int runs = Integer.getInteger("bench.runs", 1_000_000);
        braid.saveRecipe("""
                slug: bench-keys
                name: Business key benchmark
                index: { orderId: "trigger.body.id", customer: "trigger.body.customer" }
                trigger:
                  webhook: {}
                steps:
                  - { id: t, action: core.transform, with: { value: 1 } }
                """);
        long began = System.nanoTime();
        // UUIDv7-like ids in creation order: a time prefix then a counter, as Ids.next() makes them.
        jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, created_at, finished_at, keys)
                select ('01900000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'bench-keys', 1, 'succeeded', 'trigger',
                       jsonb_build_object('type', 'webhook', 'body', jsonb_build_object('id', 'ORD-' || n)), 1,
                       now() - make_interval(secs => ? - n), now() - make_interval(secs => ? - n),
                       jsonb_build_object('orderId', 'ORD-' || n, 'customer', 'c' || (n % (? / 100)) || '@example.com')
                  from generate_series(1, ?) as n""").params(runs, runs, runs, runs).update();
        jdbc.sql("""
                insert into run_keys (run_id, name, value)
                select r.id, k.key, k.value from runs r cross join lateral jsonb_each_text(r.keys) as k(key, value)
                 where r.recipe = 'bench-keys'""").update();
        jdbc.sql("analyze runs").update();
        jdbc.sql("analyze run_keys").update();
        System.out.printf("BENCH business keys: %,d runs and %,d keys generated in %.1f s%n", runs,
                sql.count("select count(*) from run_keys"), (System.nanoTime() - began) / 1e9);

        explain("one order", LIST.formatted("orderId", "ORD-" + (runs / 2)));
        explain("one customer's first page (~100 runs)", LIST.formatted("customer", "c7@example.com"));
        explain("a value no run has", LIST.formatted("orderId", "ORD-none"));

        for (String query : List.of("key.orderId=ORD-" + (runs / 3), "key.customer=c11@example.com&limit=50")) {
            api.get("/api/v1/runs?" + query); // warm
            long t = System.nanoTime();
            ApiClient.Response r = api.get("/api/v1/runs?" + query);
            System.out.printf("BENCH business keys: GET /api/v1/runs?%s answered %d items in %.1f ms%n", query,
                    r.json().path("items").size(), (System.nanoTime() - t) / 1e6);
            assertThat(r.status()).isEqualTo(200);
        }
    }

    private void explain(String what, String query) {
        List<String> plan = jdbc.sql("explain (analyze, buffers) " + query).query(String.class).list();
        System.out.printf("BENCH business keys: %s — %s%n", what, plan.getLast().strip());
        plan.forEach(line -> System.out.println("BENCH   " + line));
    }
}
