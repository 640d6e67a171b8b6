package io.quiver.flink.ingest;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A dead letter as a Kafka record: the original key and value, and headers {@value #ERROR},
 * {@value #SOURCE_PARTITION} and {@value #SOURCE_OFFSET} (UTF-8 text).
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;
  public static final String ERROR = "quiver.error";
  public static final String SOURCE_PARTITION = "quiver.source.partition";
  public static final String SOURCE_OFFSET = "quiver.source.offset";

  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, d.key, d.value);
    r.headers().add(ERROR, d.error.getBytes(StandardCharsets.UTF_8));
    r.headers().add(SOURCE_PARTITION, Integer.toString(d.shard).getBytes(StandardCharsets.UTF_8));
    r.headers().add(SOURCE_OFFSET, Long.toString(d.offset).getBytes(StandardCharsets.UTF_8));
    return r;
  }
}
