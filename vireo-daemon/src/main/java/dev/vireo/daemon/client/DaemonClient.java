package dev.vireo.daemon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.api.Json;
import dev.vireo.vmm.ChannelStreams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CLI's HTTP/1.1 client for the daemon's Unix socket (java.net.http cannot use Unix-domain
 * sockets). One request per connection, as the server expects.
 */
public final class DaemonClient {
    /** A complete response. */
    public record Response(int status, String body) {
        public JsonNode json() throws IOException { return Json.MAPPER.readTree(body); }

        /** The daemon's {@code {"error": …}} message, or the raw body. */
        public String error() {
            try {
                JsonNode error = json().get("error");
                if (error != null) return error.asText();
            } catch (IOException ignored) {
                // not JSON
            }
            return "HTTP " + status + ": " + body.strip();
        }
    }

    /** An open connection whose response head was read: the body follows on {@code in}. */
    public record Stream(int status, InputStream in, OutputStream out, SocketChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException { channel.close(); }
    }

    /** The daemon is not there. */
    public static final class Unavailable extends IOException {
        Unavailable(String message, Throwable cause) { super(message, cause); }
    }

    private final Path socket;

    public DaemonClient(VireoHome home) { this.socket = home.apiSocket(); }

    public Response call(String method, String path, Object body) throws IOException {
        try (Stream stream = open(method, path, body, Map.of())) {
            return new Response(stream.status(), new String(stream.in().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Sends a request and returns once the response head is read. */
    public Stream open(String method, String path, Object body, Map<String, String> extraHeaders) throws IOException {
        SocketChannel channel = connect();
        try {
            byte[] content = body == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(body);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: vireod\r\n");
            if (body != null) head.append("Content-Type: application/json\r\n");
            head.append("Content-Length: ").append(content.length).append("\r\n");
            extraHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (!extraHeaders.containsKey("Connection")) head.append("Connection: close\r\n");
            head.append("\r\n");
            OutputStream out = ChannelStreams.output(channel);
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            InputStream in = ChannelStreams.input(channel);
            String status = line(in);
            if (status == null || !status.startsWith("HTTP/1.")) throw new IOException("the daemon sent no HTTP response (got '" + status + "')");
            Map<String, String> headers = new HashMap<>();
            String line;
            while ((line = line(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            InputStream bodyIn = headers.containsKey("content-length")
                    ? new BoundedInput(in, Long.parseLong(headers.get("content-length"))) : in;
            return new Stream(code, bodyIn, out, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private SocketChannel connect() throws IOException {
        if (!Files.exists(socket)) {
            throw new Unavailable("the Vireo daemon is not running (no socket " + socket + "); start it with 'vireo daemon' or 'vireo daemon --detach'", null);
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new Unavailable("the Vireo daemon does not answer on " + socket + " (" + e.getMessage()
                    + "); start it with 'vireo daemon' or 'vireo daemon --detach'", e);
        }
        return channel;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') line.write(b);
        if (b < 0 && line.size() == 0) return null;
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** A body of known length. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInput(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }
    }
}
