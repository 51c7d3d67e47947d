package dev.braid.app.support;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM runs its shutdown hooks at once: the test contexts Spring caches close in theirs while the test
 * database and broker stop in their own. So those hooks wait (bounded) for Spring's to finish first, and
 * nothing stops under a closing context. (The 30 s surefire used to wait after the last test was a Kafka
 * trigger's unbounded last offset commit in the closing context; {@code TopicConsumer} now bounds it.)
 */
final class SpringShutdownHooks {

    private SpringShutdownHooks() {}

    static void await() {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(20);
        // the JVM starts the hooks one after another: give Spring's a moment to appear
        List<Thread> spring = running();
        while (spring.isEmpty() && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(300)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            spring = running();
        }
        for (Thread t : spring) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<Thread> running() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t != Thread.currentThread())
                .filter(t -> t.getName().startsWith("SpringContextShutdownHook") || t.getName().startsWith("SpringApplicationShutdownHook"))
                .toList();
    }
}
