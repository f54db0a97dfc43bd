import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local like its own main class (ServerRunner) does, with the same command-line flags, but with
 * its HTTP connector bound to one address (127.0.0.1 unless -Dlethe.bindHost says otherwise) instead of every
 * interface. DynamoDB Local has no option for this: DynamoDBProxyServer does new org.eclipse.jetty.server.Server(port),
 * whose connector has no host, and keeps that Server in a private field, so we set the host on it before start().
 *
 * local/stand-ins.ts compiles this once with javac into a cache directory and runs it with DynamoDBLocal.jar on
 * the class path. Exit code 3 means this DynamoDB Local release is built differently and the host could not be
 * set; nothing was bound, and stand-ins.ts falls back to the plain jar.
 */
public final class LoopbackLauncher {
  static final int EXIT_BAD_ARGUMENTS = 2;
  static final int EXIT_UNSUPPORTED = 3;
  static final int EXIT_START_FAILED = 4;

  private LoopbackLauncher() {}

  public static void main(String[] args) {
    String host = System.getProperty("lethe.bindHost", "127.0.0.1");

    DynamoDBProxyServer proxy;
    try {
      // Parses the flags, prints DynamoDB Local's usual startup banner, and builds the server without starting it.
      proxy = ServerRunner.createServerFromCommandLineArgs(args);
    } catch (Exception error) {
      System.err.println("Error processing the supplied command line arguments: " + error);
      System.exit(EXIT_BAD_ARGUMENTS);
      return;
    }

    Server jetty;
    try {
      jetty = jettyServerOf(proxy);
      Connector[] connectors = jetty.getConnectors();
      if (connectors.length == 0) throw new IllegalStateException("the Jetty server has no connectors");
      for (Connector connector : connectors) {
        if (!(connector instanceof AbstractNetworkConnector)) {
          throw new IllegalStateException("unexpected connector type " + connector.getClass().getName());
        }
        ((AbstractNetworkConnector) connector).setHost(host);
      }
    } catch (Exception | LinkageError error) {
      System.err.println("LoopbackLauncher: cannot set the listen address of DynamoDB Local: " + error);
      System.exit(EXIT_UNSUPPORTED);
      return;
    }

    try {
      // Like ServerRunner.main; on a bind failure start() prints "Could not start server on port ..." and stops.
      proxy.start();
    } catch (Exception error) {
      System.err.println("Could not start DynamoDB Local: " + error);
      System.exit(EXIT_START_FAILED);
      return;
    }
    if (!jetty.isStarted()) System.exit(EXIT_START_FAILED);
    // Jetty's non-daemon threads keep the JVM running until it is signalled.
  }

  /** The Jetty Server inside DynamoDBProxyServer, found by type so a renamed field does not matter. */
  private static Server jettyServerOf(DynamoDBProxyServer proxy) throws IllegalAccessException {
    for (Class<?> type = proxy.getClass(); type != null; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers()) && Server.class.isAssignableFrom(field.getType())) {
          field.setAccessible(true);
          Server server = (Server) field.get(proxy);
          if (server != null) return server;
        }
      }
    }
    throw new IllegalStateException("no Jetty Server field in " + proxy.getClass().getName());
  }
}
