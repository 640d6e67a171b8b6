package io.quiver.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Free ports on 127.0.0.1, and a retry for the race between choosing a port and binding it. */
final class Loopback {
  static final String HOST = "127.0.0.1";
  private static final int MAX_ATTEMPTS = 3;
  private static final Logger LOG = LoggerFactory.getLogger(Loopback.class);

  private Loopback() {}

  /** Returns {@code count} distinct ports that were free on 127.0.0.1 a moment ago. */
  static int[] freePorts(int count) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ServerSocket[] sockets = new ServerSocket[count];
    int[] ports = new int[count];
    try {
      // All sockets stay open until every port is chosen, so the ports are distinct.
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket();
        sockets[i].setReuseAddress(true);
        sockets[i].bind(new InetSocketAddress(loopback, 0), 1);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
    } finally {
      for (ServerSocket socket : sockets) {
        closeQuietly(socket);
      }
    }
  }

  /**
   * Calls {@code starter} with {@code count} fresh free ports; if it fails because another process took one of
   * them in the meantime (a {@link BindException} in the cause chain), tries again with new ports, up to 3 times.
   */
  static <T> T withFreePorts(String server, int count, Function<int[], T> starter) {
    for (int attempt = 1; ; attempt++) {
      int[] ports = freePorts(count);
      try {
        return starter.apply(ports);
      } catch (RuntimeException e) {
        if (attempt >= MAX_ATTEMPTS || !isPortClash(e)) {
          throw e;
        }
        LOG.info("A port chosen for {} was taken before it could bind ({}); retrying with new ports", server,
            e.getMessage());
      }
    }
  }

  static boolean isPortClash(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // only a probe socket
      }
    }
  }
}
