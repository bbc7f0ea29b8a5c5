package dev.vireo.daemon.api;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.disk.DiskManager;
import dev.vireo.daemon.http.HttpRequest;
import dev.vireo.daemon.registry.DiskRecord;
import dev.vireo.daemon.http.HttpResponse;
import dev.vireo.daemon.http.Router;
import dev.vireo.daemon.network.NetworkManager;
import dev.vireo.daemon.network.NetworkSpec;
import dev.vireo.daemon.vm.VmManager;
import dev.vireo.daemon.vm.VmSpec;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The REST API's routes (documented in {@code openapi.json}, served at {@code /api/openapi.json}).
 * Handlers translate between HTTP and the managers; the managers hold the rules.
 */
public final class Api {
    private final VmManager vms;
    private final DiskManager disks;
    private final NetworkManager networks;
    private final ConsoleStreams consoles;
    private final Map<String, Object> version;

    public Api(VmManager vms, DiskManager disks, NetworkManager networks, ConsoleStreams consoles, Map<String, Object> version) {
        this.vms = vms;
        this.disks = disks;
        this.networks = networks;
        this.consoles = consoles;
        this.version = version;
    }

    public Router router() {
        Router r = new Router();
        r.add("GET", "/api/version", q -> ok(version));
        r.add("GET", "/api/openapi.json", q -> openApi());
        r.add("GET", "/api/vms", q -> ok(Map.of("vms", vms.list())));
        r.add("POST", "/api/vms", q -> created(vms.create(Json.read(q.body(), VmSpec.class))));
        r.add("GET", "/api/vms/{name}", q -> ok(vms.info(q.parameter("name"))));
        r.add("DELETE", "/api/vms/{name}", q -> {
            vms.delete(q.parameter("name"), flag(q, "disks"));
            return ok(Map.of("deleted", q.parameter("name")));
        });
        r.add("POST", "/api/vms/{name}/start", q -> ok(vms.start(q.parameter("name"))));
        r.add("POST", "/api/vms/{name}/stop", q -> ok(vms.stop(q.parameter("name"), timeout(q))));
        r.add("POST", "/api/vms/{name}/poweroff", q -> ok(vms.powerOff(q.parameter("name"))));
        r.add("POST", "/api/vms/{name}/reboot", q -> ok(vms.reboot(q.parameter("name"))));
        r.add("POST", "/api/vms/{name}/pause", q -> ok(vms.pause(q.parameter("name"))));
        r.add("POST", "/api/vms/{name}/resume", q -> ok(vms.resume(q.parameter("name"))));
        r.add("PUT", "/api/vms/{name}/autostart", q -> ok(vms.autostart(q.parameter("name"),
                Json.read(q.body(), Autostart.class).enabled())));
        r.add("GET", "/api/vms/{name}/log", q -> consoles.log(vms.find(q.parameter("name")).name(), flag(q, "follow")));
        r.add("POST", "/api/vms/{name}/console", q -> consoles.attach(vms.find(q.parameter("name")), q));
        r.add("POST", "/api/vms/{name}/clone", q -> {
            Clone clone = Json.read(q.body(), Clone.class);
            return created(vms.clone(q.parameter("name"), clone.name(), clone.linked()));
        });
        r.add("GET", "/api/vms/{name}/snapshots", q -> ok(Map.of("snapshots", vms.snapshots(q.parameter("name")))));
        r.add("POST", "/api/vms/{name}/snapshots", q -> {
            vms.snapshot(q.parameter("name"), "create", Json.read(q.body(), Named.class).name());
            return created(Map.of("snapshots", vms.snapshots(q.parameter("name"))));
        });
        r.add("POST", "/api/vms/{name}/snapshots/{snapshot}/revert", q -> {
            vms.snapshot(q.parameter("name"), "revert", q.parameter("snapshot"));
            return ok(Map.of("reverted", q.parameter("snapshot")));
        });
        r.add("DELETE", "/api/vms/{name}/snapshots/{snapshot}", q -> {
            vms.snapshot(q.parameter("name"), "delete", q.parameter("snapshot"));
            return ok(Map.of("deleted", q.parameter("snapshot")));
        });
        r.add("GET", "/api/templates", q -> ok(Map.of("templates", vms.templates())));
        r.add("POST", "/api/templates", q -> {
            TemplateRequest t = Json.read(q.body(), TemplateRequest.class);
            return created(vms.createTemplate(t.vm(), t.name()));
        });
        r.add("GET", "/api/templates/{name}", q -> ok(vms.template(q.parameter("name"))));
        r.add("DELETE", "/api/templates/{name}", q -> {
            vms.deleteTemplate(q.parameter("name"));
            return ok(Map.of("deleted", q.parameter("name")));
        });
        r.add("GET", "/api/disks", q -> ok(Map.of("disks", disks.list().stream().map(DiskInfo::of).toList())));
        r.add("POST", "/api/disks", q -> created(DiskInfo.of(disks.create(Json.read(q.body(), DiskManager.DiskSpec.class)))));
        r.add("GET", "/api/disks/{name}", q -> ok(DiskInfo.of(disks.find(q.parameter("name")))));
        r.add("DELETE", "/api/disks/{name}", q -> {
            disks.delete(q.parameter("name"));
            return ok(Map.of("deleted", q.parameter("name")));
        });
        r.add("POST", "/api/disks/{name}/resize", q -> ok(DiskInfo.of(disks.resize(q.parameter("name"), Json.read(q.body(), Resize.class).size()))));
        r.add("GET", "/api/networks", q -> ok(Map.of("networks", networks.list())));
        r.add("POST", "/api/networks", q -> created(networks.create(Json.read(q.body(), NetworkSpec.class))));
        r.add("GET", "/api/networks/{name}", q -> ok(networks.info(q.parameter("name"))));
        r.add("DELETE", "/api/networks/{name}", q -> {
            networks.delete(q.parameter("name"));
            return ok(Map.of("deleted", q.parameter("name")));
        });
        return r;
    }

    /** A volume as the API shows it. */
    public record DiskInfo(String name, String format, long sizeBytes, String path, String backing, boolean readOnly, String createdAt) {
        static DiskInfo of(DiskRecord d) {
            return new DiskInfo(d.name(), d.format(), d.sizeBytes(), d.path(), d.backing(), d.readOnly(), d.createdAt().toString());
        }
    }

    /** Body of {@code PUT /api/vms/{name}/autostart}. */
    public record Autostart(boolean enabled) {}

    /** Body of {@code POST /api/vms/{name}/clone}. */
    public record Clone(String name, boolean linked) {}

    /** Body of {@code POST /api/vms/{name}/snapshots}. */
    public record Named(String name) {}

    /** Body of {@code POST /api/templates}: make template {@code name} (default: the vm's name) of stopped {@code vm}. */
    public record TemplateRequest(String vm, String name) {}

    /** Body of {@code POST /api/disks/{name}/resize}. */
    public record Resize(String size) {}

    private static HttpResponse ok(Object body) { return HttpResponse.json(200, Json.write(body)); }

    private static HttpResponse created(Object body) { return HttpResponse.json(201, Json.write(body)); }

    private static boolean flag(HttpRequest q, String name) {
        String value = q.query().get(name);
        return value != null && (value.isEmpty() || value.equals("true") || value.equals("1"));
    }

    private static Duration timeout(HttpRequest q) {
        String value = q.query().get("timeout");
        if (value == null) return null;
        try {
            long seconds = Long.parseLong(value);
            if (seconds < 0) throw new NumberFormatException();
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("timeout '" + value + "' is not a number of seconds; give e.g. ?timeout=30");
        }
    }

    private static HttpResponse openApi() throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is missing from the daemon's jar; rebuild Vireo");
            return new HttpResponse.Full(200, "application/json", in.readAllBytes());
        }
    }

    static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
