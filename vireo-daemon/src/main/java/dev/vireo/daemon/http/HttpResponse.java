package dev.vireo.daemon.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** What a handler answers: a whole body, a stream that ends when the connection closes, or an upgrade. */
public sealed interface HttpResponse {
    int status();

    /** A complete response with a Content-Length. */
    record Full(int status, String contentType, byte[] body) implements HttpResponse {}

    /** A response whose body the {@code writer} produces until it returns (the connection then closes). */
    record Stream(int status, String contentType, Writer writer) implements HttpResponse {}

    /** 101 Switching Protocols to {@code protocol}; then {@code session} owns the raw connection. */
    record Upgrade(String protocol, Session session) implements HttpResponse {
        @Override
        public int status() { return 101; }
    }

    interface Writer { void write(OutputStream out) throws IOException; }

    interface Session { void run(InputStream in, OutputStream out) throws IOException; }

    static Full json(int status, String json) {
        return new Full(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }
}
