package io.quiver.serving.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenAuthTest {
  @Test
  void acceptsWhatTheSdksSendAndNothingElse() {
    TokenAuth auth = new TokenAuth("root:Milvus", true);
    String b64 = Base64.getEncoder().encodeToString("root:Milvus".getBytes(StandardCharsets.UTF_8));
    assertThat(auth.accepts(b64)).as("the SDKs' base64 of user:password").isTrue();
    assertThat(auth.accepts("root:Milvus")).as("the raw token").isTrue();
    assertThat(auth.accepts("Bearer root:Milvus")).as("a bearer token").isTrue();
    assertThat(auth.accepts(null)).isFalse();
    assertThat(auth.accepts("")).isFalse();
    assertThat(auth.accepts("root:milvus")).as("case matters").isFalse();
    assertThat(auth.accepts(Base64.getEncoder().encodeToString("root:Milvus2".getBytes(StandardCharsets.UTF_8))))
        .isFalse();
  }
}
