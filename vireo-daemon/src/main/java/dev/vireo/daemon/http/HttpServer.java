package dev.vireo.daemon.http;

import dev.vireo.daemon.api.ErrorMapper;
import dev.vireo.vmm.ChannelStreams;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A small HTTP/1.1 server (RFC 9112) for the daemon's API, over a Unix-domain socket or TCP
 * (plain or TLS). One request per connection ({@code Connection: close}): the CLI opens a
 * connection per call, and long-lived responses (log follow, console) own their connection.
 * Request heads are limited to 16 KiB and bodies to 1 MiB; chunked request bodies are refused.
 *
 * <p>Threads: {@code api-accept-<name>} accepts; each connection runs on a virtual thread.
 */
public final class HttpServer implements Closeable {
    /** Answers one request; throws {@link dev.vireo.daemon.ApiException} for errors. */
    public interface Handler { HttpResponse handle(HttpRequest request) throws Exception; }

    private static final int MAX_HEAD = 16 * 1024, MAX_BODY = 1 << 20, HARD_HEAD_LIMIT = 256 * 1024;

    private final Closeable listener;
    private volatile boolean closed;

    private HttpServer(Closeable listener) { this.listener = listener; }

    /** Serves {@code handler} on a bound Unix-domain server channel. */
    public static HttpServer serve(String name, ServerSocketChannel server, Handler handler) {
        HttpServer http = new HttpServer(server);
        Thread.ofPlatform().daemon().name("api-accept-" + name).start(() -> {
            while (!http.closed) {
                try {
                    SocketChannel channel = server.accept();
                    Thread.ofVirtual().name("api-" + name).start(() ->
                            http.connection(ChannelStreams.input(channel), ChannelStreams.output(channel), channel, false, handler));
                } catch (IOException e) {
                    if (!http.closed) System.err.println("vireod: accept on " + name + " failed: " + e.getMessage());
                    return;
                }
            }
        });
        return http;
    }

    /** Serves {@code handler} on a bound TCP (or TLS) server socket. */
    public static HttpServer serve(String name, ServerSocket server, Handler handler) {
        HttpServer http = new HttpServer(server);
        Thread.ofPlatform().daemon().name("api-accept-" + name).start(() -> {
            while (!http.closed) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().name("api-" + name).start(() -> {
                        try {
                            http.connection(socket.getInputStream(), socket.getOutputStream(), socket, true, handler);
                        } catch (IOException e) {
                            closeQuietly(socket);
                        }
                    });
                } catch (IOException e) {
                    if (!http.closed) System.err.println("vireod: accept on " + name + " failed: " + e.getMessage());
                    return;
                }
            }
        });
        return http;
    }

    private void connection(InputStream in, OutputStream out, Closeable connection, boolean tcp, Handler handler) {
        try (connection) {
            HttpResponse response;
            HttpRequest request = null;
            try {
                request = read(in, out, tcp);
                response = handler.handle(request);
            } catch (Exception e) {
                response = ErrorMapper.toResponse(e);
            }
            write(in, out, response);
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static void write(InputStream in, OutputStream out, HttpResponse response) throws IOException {
        switch (response) {
            case HttpResponse.Full full -> {
                out.write(head(full.status(), "Content-Type: " + full.contentType() + "\r\nContent-Length: " + full.body().length));
                out.write(full.body());
                out.flush();
            }
            case HttpResponse.Stream stream -> {
                out.write(head(stream.status(), "Content-Type: " + stream.contentType()));
                out.flush();
                stream.writer().write(out);
                out.flush();
            }
            case HttpResponse.Upgrade upgrade -> {
                writeUpgradeHead(out, upgrade.protocol());
                upgrade.session().run(in, out);
            }
        }
    }

    private static void writeUpgradeHead(OutputStream out, String protocol) throws IOException {
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + protocol + "\r\nConnection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static byte[] head(int status, String headers) {
        return ("HTTP/1.1 " + status + " " + reason(status) + "\r\n" + headers + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static HttpRequest read(InputStream in, OutputStream out, boolean tcp) throws IOException {
        // The whole head is read before it is judged, so that an error answer is not lost to a
        // reset (closing a socket with unread input sends RST on Linux).
        java.util.List<String> head = new java.util.ArrayList<>();
        long headBytes = 0;
        String line;
        while ((line = line(in)) != null && !line.isEmpty()) {
            head.add(line);
            headBytes += line.length() + 2;
            if (headBytes > HARD_HEAD_LIMIT) throw new MalformedRequest("request head is over 16 KiB");
        }
        if (head.isEmpty()) throw new IOException("connection closed before a request");
        if (headBytes > MAX_HEAD) throw new MalformedRequest("request head is over 16 KiB");
        String requestLine = head.getFirst();
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) throw new MalformedRequest("malformed request line '" + requestLine + "'; send 'METHOD /path HTTP/1.1'");
        Map<String, String> headers = new HashMap<>();
        for (String header : head.subList(1, head.size())) {
            int colon = header.indexOf(':');
            if (colon <= 0) throw new MalformedRequest("malformed header line '" + header + "'");
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        if (headers.containsKey("transfer-encoding")) throw new MalformedRequest("chunked request bodies are not supported; send Content-Length");
        int length = 0;
        if (headers.containsKey("content-length")) {
            try {
                length = Integer.parseInt(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new MalformedRequest("Content-Length '" + headers.get("content-length") + "' is not a number");
            }
            if (length < 0 || length > MAX_BODY) throw new MalformedRequest("request body of " + length + " bytes is over the 1 MiB limit");
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) throw new IOException("connection closed inside the request body");
        String target = parts[1];
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        Map<String, String> query = new HashMap<>();
        if (question >= 0) {
            for (String pair : target.substring(question + 1).split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(key, value);
            }
        }
        return new HttpRequest(parts[0], path, Map.copyOf(query), Map.copyOf(headers), body, Map.of(), tcp, in, out);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') break;
            if (line.size() > HARD_HEAD_LIMIT) throw new MalformedRequest("request line or header is over 16 KiB");
            line.write(b);
        }
        if (b < 0 && line.size() == 0) return null;
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** A request the server cannot parse: answered with 400. */
    public static final class MalformedRequest extends IOException {
        public MalformedRequest(String message) { super(message); }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
