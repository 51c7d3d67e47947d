package dev.braid.connectors.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;

/**
 * The consuming side of the kafka connector: the {@code kafka:} trigger (ARCHITECTURE §2, §3). One
 * {@link TopicConsumer} per recipe version, in the consumer group {@code braid.<slug>}, so several
 * nodes share a topic's partitions; offsets are committed only after the context accepted the events.
 * The connection is read by {@link KafkaSettings}, exactly as for {@code kafka.publish}, so both
 * clients see one cluster the same way.
 */
public final class KafkaTriggerSource implements TriggerSource {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public TopicConsumer start(TriggerContext context) {
        if (!(context.settings() instanceof TriggerSettings.Kafka settings)) {
            throw new IllegalArgumentException("The kafka trigger source was handed " + context.settings().type().wire()
                    + " settings");
        }
        TopicConsumer consumer = new TopicConsumer(context, settings, consumerProperties(context.recipe(), settings,
                context));
        consumer.start();
        return consumer;
    }

    /** The consumer group of a recipe's trigger: {@code braid.<slug>}, shared by every node that reads it. */
    public static String groupId(String slug) {
        return "braid." + slug;
    }

    static Map<String, Object> consumerProperties(String slug, TriggerSettings.Kafka trigger, TriggerContext context) {
        Map<String, Object> props = new HashMap<>();
        try {
            props.putAll(KafkaSettings.from(context.connection()).clientProperties());
        } catch (ActionException e) {
            throw new IllegalStateException("The trigger's kafka connection" + (trigger.connection() == null ? ""
                    : " '" + trigger.connection() + "'") + " is not usable: " + e.getMessage(), e);
        }
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(slug));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "braid." + slug);
        // Offsets are committed by hand, after the context has stored the events and their runs.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, trigger.startFrom().wire());
        // A poll is written in few statements (one per batch, one for all per-event records): bigger polls, fewer commits.
        int maxPoll = trigger.batch() == null ? 2000 : Math.max(2000, Math.min(trigger.batch().maxSize(), 5000));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll);
        return props;
    }
}
