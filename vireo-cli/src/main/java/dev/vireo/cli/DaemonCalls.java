package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.client.DaemonClient;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * How CLI commands talk to the daemon: over VIREO_HOME's Unix socket; a 4xx/5xx answer
 * becomes a one-line {@link VireoCliException} carrying the daemon's message.
 */
public final class DaemonCalls {
    private DaemonCalls() {}

    public static DaemonClient client() { return new DaemonClient(VireoHome.resolve()); }

    public static JsonNode call(String method, String path, Object body) {
        try {
            DaemonClient.Response response = client().call(method, path, body);
            if (response.status() >= 400) throw new VireoCliException(response.error());
            return response.json();
        } catch (DaemonClient.Unavailable e) {
            throw new VireoCliException(e.getMessage());
        } catch (IOException e) {
            throw new VireoCliException("talking to the daemon failed: " + e.getMessage() + "; check that 'vireo daemon' is running", e);
        }
    }

    /** A path segment, percent-encoded (the daemon validates names; this keeps the request line intact). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Pretty JSON for {@code --output json}. */
    public static void printJson(JsonNode node) {
        try {
            System.out.println(dev.vireo.daemon.api.Json.MAPPER.writeValueAsString(node));
        } catch (IOException e) {
            throw new VireoCliException("cannot print JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A listing command's whole output: {@code GET path}, the array under {@code field}, printed
     * as JSON or as a table whose rows {@code format} (a {@link String#format} pattern ending in
     * {@code %n}) lays out from {@code header} and from {@code row} of each element.
     */
    public static int printListing(String path, String field, OutputFormat output, String format,
                                   Object[] header, Function<JsonNode, Object[]> row) {
        JsonNode items = call("GET", path, null).path(field);
        if (output == OutputFormat.json) {
            printJson(items);
            return Main.EXIT_OK;
        }
        System.out.printf(format, header);
        for (JsonNode item : items) System.out.printf(format, row.apply(item));
        return Main.EXIT_OK;
    }
}
