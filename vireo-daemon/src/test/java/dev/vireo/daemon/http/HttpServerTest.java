package dev.vireo.daemon.http;

import dev.vireo.daemon.ApiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP/1.1 server over a Unix socket: parsing, routing, and errors as JSON. */
class HttpServerTest {
    @TempDir Path dir;
    HttpServer server;
    Path socket;

    @BeforeEach
    void serve() throws Exception {
        socket = dir.resolve("t.sock");
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        Router router = new Router()
                .add("GET", "/api/things/{name}", q -> HttpResponse.json(200, "{\"name\":\"" + q.parameter("name") + "\",\"q\":\"" + q.query().get("x") + "\"}"))
                .add("POST", "/api/echo", q -> new HttpResponse.Full(200, "text/plain", q.body()))
                .add("GET", "/api/conflict", q -> { throw ApiException.conflict("vm 'web' is running; stop it first"); })
                .add("GET", "/api/bug", q -> { throw new IllegalStateException("boom"); });
        server = HttpServer.serve("test", channel, router);
    }

    @AfterEach
    void close() { server.close(); }

    String exchange(String request) throws Exception {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(java.nio.ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            InputStream in = Channels.newInputStream(c);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void routesWithDecodedParametersAndQuery() throws Exception {
        String response = exchange("GET /api/things/a%2Eb?x=1%202 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: ").contains("{\"name\":\"a.b\",\"q\":\"1 2\"}");
    }

    @Test
    void readsBodiesByContentLength() throws Exception {
        assertThat(exchange("POST /api/echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")).endsWith("\r\n\r\nhello");
    }

    @Test
    void errorsAreJsonWithTheirStatus() throws Exception {
        assertThat(exchange("GET /api/conflict HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 409 Conflict")
                .contains("{\n  \"error\" : \"vm 'web' is running; stop it first\"\n}");
        assertThat(exchange("GET /api/nothing HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404").contains("see /api/openapi.json");
        assertThat(exchange("DELETE /api/echo HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 405");
        assertThat(exchange("GET /api/bug HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 500").contains("internal error");
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        assertThat(exchange("NONSENSE\r\n\r\n")).startsWith("HTTP/1.1 400").contains("malformed request line");
        assertThat(exchange("POST /api/echo HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n")).startsWith("HTTP/1.1 400").contains("1 MiB");
        assertThat(exchange("POST /api/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")).startsWith("HTTP/1.1 400").contains("Content-Length");
        assertThat(exchange("GET /api/echo HTTP/1.1\r\nBadHeader\r\n\r\n")).startsWith("HTTP/1.1 400").contains("malformed header");
        assertThat(exchange("GET /x HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n")).startsWith("HTTP/1.1 400").contains("16 KiB");
    }
}
