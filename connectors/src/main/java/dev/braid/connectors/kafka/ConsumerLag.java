package dev.braid.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.braid.engine.model.TriggerSettings;

/**
 * How far a recipe's {@code kafka:} trigger is behind, as the broker sees it: the sum over the topic's
 * partitions of the log-end offset minus the offset the recipe's group ({@link KafkaTriggerSource#groupId})
 * committed. A partition the group never committed counts from where the consumer will start
 * ({@code startFrom: earliest}: the log start; {@code latest}: nothing). The group's members tell which
 * hosts read. Offsets are committed only after the events are stored, so this is what is not yet stored.
 *
 * <p>Example: {@code ConsumerLag.read(admin, "order-sync", trigger, Duration.ofSeconds(5)).lag()}.
 */
public final class ConsumerLag {

    /**
     * {@code lag} in messages; {@code partitions} of the topic; {@code assigned}: how many the group's members
     * hold; {@code readers}: the members' hosts; {@code committed}: whether the group committed anything;
     * {@code groupState}: the broker's word for the group ({@code stable}, {@code empty}, ...; {@code none}).
     */
    public record Lag(long lag, int partitions, int assigned, List<String> readers, boolean committed, String groupState) {}

    private ConsumerLag() {}

    /**
     * Reads it with {@code admin}, each call waiting at most {@code timeout}.
     *
     * @throws IllegalStateException saying why it cannot be read (no such topic, the cluster unreachable, ...)
     */
    public static Lag read(Admin admin, String slug, TriggerSettings.Kafka trigger, Duration timeout) {
        String group = KafkaTriggerSource.groupId(slug);
        long wait = timeout.toMillis();
        try {
            TopicDescription topic;
            try {
                topic = admin.describeTopics(List.of(trigger.topic())).topicNameValues().get(trigger.topic())
                        .get(wait, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new IllegalStateException("Topic '" + trigger.topic() + "' does not exist (yet)");
                }
                throw e;
            }
            List<TopicPartition> partitions = topic.partitions().stream()
                    .map(p -> new TopicPartition(trigger.topic(), p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> committed = orNoGroup(() -> admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(wait, TimeUnit.MILLISECONDS), Map.of());
            Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest(), wait);
            List<TopicPartition> uncommitted = partitions.stream().filter(p -> committed.get(p) == null).toList();
            Map<TopicPartition, Long> starts = uncommitted.isEmpty() || trigger.startFrom() != TriggerSettings.Kafka.StartFrom.EARLIEST
                    ? Map.of() : offsets(admin, uncommitted, OffsetSpec.earliest(), wait);
            long lag = 0;
            boolean any = false;
            for (TopicPartition p : partitions) {
                long end = ends.getOrDefault(p, 0L);
                OffsetAndMetadata c = committed.get(p);
                if (c != null) {
                    any = true;
                    lag += Math.max(0, end - c.offset());
                } else {
                    lag += Math.max(0, end - starts.getOrDefault(p, end));
                }
            }
            ConsumerGroupDescription description = orNoGroup(() -> admin.describeConsumerGroups(List.of(group)).describedGroups()
                    .get(group).get(wait, TimeUnit.MILLISECONDS), null);
            TreeSet<String> readers = new TreeSet<>();
            int assigned = 0;
            for (MemberDescription m : description == null ? List.<MemberDescription>of() : description.members()) {
                int held = (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(trigger.topic())).count();
                assigned += held;
                if (held > 0) {
                    readers.add(m.host().startsWith("/") ? m.host().substring(1) : m.host());
                }
            }
            return new Lag(lag, partitions.size(), assigned, new ArrayList<>(readers), any,
                    description == null || description.groupState() == null ? "none"
                            : description.groupState().toString().toLowerCase(Locale.ROOT));
        } catch (ExecutionException e) {
            throw new IllegalStateException("The Kafka cluster answered: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The Kafka cluster did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the consumer lag");
        }
    }

    private interface BrokerCall<T> {
        T call() throws ExecutionException, InterruptedException, TimeoutException;
    }

    /** A group that never had a member is no error here (newer brokers answer GROUP_ID_NOT_FOUND): it has no offsets. */
    private static <T> T orNoGroup(BrokerCall<T> call, T none) throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return call.call();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return none;
            }
            throw e;
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec, long wait)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
        partitions.forEach(p -> asked.put(p, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin.listOffsets(asked).all()
                .get(wait, TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        answer.forEach((p, info) -> out.put(p, info.offset()));
        return out;
    }
}
