package io.quiver.engine.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PageBufferPoolTest {
  @Test
  void aReleasedBufferServesTheNextRequestOfItsSizeClass_withTheLimitAskedFor() {
    PageBufferPool pool = new PageBufferPool(10L << 20);
    int size = (1 << 20) + 6_000; // a vector page: 1 MB of floats and its levels
    ByteBuffer a = pool.allocate(size);
    assertEquals(0, a.position());
    assertEquals(size, a.limit());
    assertEquals(0, a.capacity() % PageBufferPool.SIZE_CLASS);
    a.put(new byte[100]);
    pool.release(a);
    assertEquals(a.capacity(), pool.retainedBytes());

    ByteBuffer b = pool.allocate(size - 10); // same class
    assertSame(a, b);
    assertEquals(0, b.position());
    assertEquals(size - 10, b.limit());
    assertEquals(0, pool.retainedBytes());
    assertNotSame(b, pool.allocate(size), "a buffer in use is not handed out twice");
  }

  @Test
  void smallHugeAndDirectBuffersAreNotPooled_andRetentionIsCapped() {
    PageBufferPool pool = new PageBufferPool(3L * 256 << 10);
    ByteBuffer small = pool.allocate(PageBufferPool.MIN_POOLED - 1);
    assertEquals(PageBufferPool.MIN_POOLED - 1, small.capacity());
    pool.release(small);
    ByteBuffer huge = pool.allocate(PageBufferPool.MAX_POOLED + 1);
    pool.release(huge);
    pool.release(ByteBuffer.allocateDirect(256 << 10));
    assertEquals(0, pool.retainedBytes());

    ByteBuffer[] pages = new ByteBuffer[5];
    for (int i = 0; i < pages.length; i++) {
      pages[i] = pool.allocate(256 << 10);
    }
    for (ByteBuffer p : pages) {
      pool.release(p);
    }
    assertEquals(3L * 256 << 10, pool.retainedBytes(), "at most the cap is kept");
  }
}
