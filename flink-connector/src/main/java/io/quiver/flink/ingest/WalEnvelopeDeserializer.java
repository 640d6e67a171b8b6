package io.quiver.flink.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Wraps each Kafka record of the WAL into a {@link WalEnvelope}; never fails (decoding comes later). */
public final class WalEnvelopeDeserializer implements KafkaRecordDeserializationSchema<WalEnvelope> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<WalEnvelope> out) {
    out.collect(new WalEnvelope(r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
  }

  @Override
  public TypeInformation<WalEnvelope> getProducedType() {
    return TypeInformation.of(WalEnvelope.class);
  }
}
