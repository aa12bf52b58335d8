// Starts Amazon DynamoDB Local listening on 127.0.0.1 only (local/dynamodb-local.ts runs this file
// with `java <this file>`, Java's single-file source mode, so nothing is compiled ahead of time).
//
// Why: DynamoDB Local has no option for its bind address, and its Jetty server listens on every
// interface without authentication, so on a laptop on a shared network anyone could read and write
// the whole table. This builds the server exactly as DynamoDB Local's own main does, then sets the
// host of its connector to loopback before starting it. Arguments are DynamoDB Local's own.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class DynamoDbLocalLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector) {
        ((ServerConnector) connector).setHost("127.0.0.1");
        bound++;
      }
    }
    // Refuse to start rather than fall back to every interface.
    if (bound == 0) throw new IllegalStateException("DynamoDB Local has no connector that can be bound to 127.0.0.1");
    proxy.start();
  }
}
