package dev.vireo.cli;

import com.sun.net.httpserver.HttpServer;
import dev.vireo.net.acl.AclFile;
import dev.vireo.net.dhcp.DhcpConfig;
import dev.vireo.net.dhcp.DhcpService;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.transport.NetworkPaths;
import dev.vireo.net.transport.SeqpacketListener;
import dev.vireo.net.transport.SwitchServer;
import dev.vireo.net.vswitch.DropReason;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guest-level networking: the default Linux guest with virtio-net NICs on passt NAT and on a
 * Vireo switch. Traffic goes only to loopback servers this test starts and between VMs.
 */
@Tag("guest")
class RunNetworkTest {
    static final Duration TIMEOUT = Duration.ofMinutes(8);
    /** Two VMs booting at once on a shared 2-core machine took 5 min to finish here. */
    static final Duration TWO_VM_TIMEOUT = Duration.ofMinutes(15);
    @TempDir Path dir;

    private static void needPasst() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/passt")), "passt not installed (apt-get install passt)");
    }

    private VireoProcess run(Map<String, String> env, String name, String nic, String command) throws Exception {
        return VireoProcess.start(env, TestGuest.runArgs("256M", command, "--name", name, "--nic", nic).toArray(String[]::new));
    }

    /** An HTTP server on 127.0.0.1 (an ephemeral port) that serves {@code file} at /f. */
    static HttpServer serveOnLoopback(byte[] file) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/f", exchange -> {
            exchange.sendResponseHeaders(200, file.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(file);
            }
        });
        http.start();
        return http;
    }

    static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    @Test
    void natGivesALeaseAndTheGuestDownloadsFromTheHostLoopbackWithAMatchingChecksum() throws Exception {
        needPasst();
        byte[] file = new byte[1 << 20];
        new Random(7).nextBytes(file);
        String md5 = md5(file);
        HttpServer http = serveOnLoopback(file);
        try {
            int port = http.getAddress().getPort();
            String command = "ip -4 -o addr show eth0; gw=$(ip route | awk '/default/ {print $3}'); echo GATEWAY=$gw; "
                    + "wget -q -O /tmp/f http://$gw:" + port + "/f && md5sum /tmp/f";
            try (VireoProcess vm = run(Map.of(), "natvm", "nat", command)) {
                int status = vm.waitFor(TIMEOUT);
                assertThat(vm.stdout()).as(VireoProcess.tail(vm.stdout())).containsPattern("eth0\\s+inet \\d+\\.\\d+\\.\\d+\\.\\d+/")
                        .containsPattern("GATEWAY=\\d+").contains(md5 + "  /tmp/f");
                assertThat(status).as(vm.stderr()).isZero();
            }
        } finally {
            http.stop(0);
        }
    }

    /**
     * {@code rate=128K}: a 2 MiB download through NAT takes at least (2 MiB - the 64 KiB
     * burst) / 128 KiB/s = 15.5 s by the guest's clock; unlimited, this guest moves 0.7-1 MiB/s
     * through NAT (bench/net-vs-qemu), so about 2-3 s.
     */
    @Test
    void aRateLimitedNicHoldsADownloadToItsRate() throws Exception {
        needPasst();
        byte[] file = new byte[2 << 20];
        new Random(11).nextBytes(file);
        String md5 = md5(file);
        HttpServer http = serveOnLoopback(file);
        try {
            int port = http.getAddress().getPort();
            String command = "gw=$(ip route | awk '/default/ {print $3}'); t0=$(cut -d' ' -f1 /proc/uptime); "
                    + "wget -q -O /tmp/f http://$gw:" + port + "/f; t1=$(cut -d' ' -f1 /proc/uptime); md5sum /tmp/f; "
                    + "echo \"SECONDS=$t0 $t1\"";
            try (VireoProcess vm = run(Map.of(), "slowvm", "nat,rate=128K", command)) {
                int status = vm.waitFor(TIMEOUT);
                String out = vm.stdout();
                assertThat(out).as(VireoProcess.tail(out)).contains(md5 + "  /tmp/f");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("SECONDS=([0-9.]+) ([0-9.]+)").matcher(out);
                assertThat(m.find()).isTrue();
                double seconds = Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(1));
                assertThat(seconds).as("download time at 128 KiB/s").isGreaterThanOrEqualTo(15.0);
                assertThat(status).as(vm.stderr()).isZero();
            }
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aHostForwardReachesAServerInTheGuest() throws Exception {
        needPasst();
        int hostPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            hostPort = probe.getLocalPort();
        }
        String command = "mkdir -p /www && echo GUEST-HTTPD-OK > /www/index.html && httpd -p 8080 -h /www && echo HTTPD-READY; sleep 600";
        try (VireoProcess vm = run(Map.of(), "fwdvm", "nat,hostfwd=tcp:127.0.0.1:" + hostPort + "-:8080", command)) {
            assertThat(vm.awaitStdout(s -> s.contains("HTTPD-READY"), TIMEOUT)).as(VireoProcess.tail(vm.stdout()) + vm.stderr()).isTrue();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String body = null;
            for (int attempt = 0; attempt < 10 && body == null; attempt++) {
                try {
                    body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html"))
                            .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException e) {
                    Thread.sleep(1000);
                }
            }
            assertThat(body).isEqualTo("GUEST-HTTPD-OK\n");
        }
    }

    @Test
    void twoVmsOnASwitchPingEachOtherWhileAnAclBlocksOneTcpPort() throws Exception {
        Path home = Files.createDirectories(dir.resolve("h"));
        Path socket = NetworkPaths.socket(home, "lab");
        NetworkPaths.prepare(socket);
        var acls = AclFile.parse("[port b]\ndeny in proto=tcp dport=23\n", "test.acl");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("lab"));
             SwitchServer server = SwitchServer.start(sw, SeqpacketListener.bind(socket, SwitchServer.capacity(sw)),
                     port -> acls.get(port), port -> PortVlan.access())) {
            // Vireo's DHCP on the internal network: the guests' udhcpc gets a lease at once
            // (the test then adds fixed addresses so that each VM knows the other's).
            DhcpService dhcp = DhcpService.attach(sw, DhcpConfig.forSubnet(Ipv4.parse("10.10.0.1"),
                    MacAddress.derive("dhcp:lab"), 24, false), PortVlan.DEFAULT_VLAN);
            Map<String, String> env = Map.of("VIREO_HOME", home.toString());
            String b = "ip addr add 10.10.0.12/24 dev eth0; mkdir -p /www; echo FROM-B > /www/index.html; "
                    + "httpd -p 80 -h /www; httpd -p 23 -h /www; echo B-READY; sleep 600";
            String a = "ip addr add 10.10.0.11/24 dev eth0; i=0; while [ $i -lt 300 ]; do "
                    + "ping -c 1 -W 1 10.10.0.12 >/dev/null 2>&1 && break; i=$((i+1)); done; "
                    + "ping -c 3 -W 2 10.10.0.12 && echo PING-OK; "
                    + "wget -q -T 10 -O - http://10.10.0.12:80/ && echo HTTP80-OK; "
                    + "wget -q -T 5 -O - http://10.10.0.12:23/ || echo HTTP23-BLOCKED";
            try (VireoProcess vmB = run(env, "b", "switch=lab", b);
                 VireoProcess vmA = run(env, "a", "switch=lab", a)) {
                int status = vmA.waitFor(TWO_VM_TIMEOUT);
                String out = vmA.stdout();
                assertThat(out).as(VireoProcess.tail(out) + "\nB:\n" + VireoProcess.tail(vmB.stdout()))
                        .contains("PING-OK").contains("FROM-B").contains("HTTP80-OK").contains("HTTP23-BLOCKED");
                assertThat(status).isZero();
                SwitchPort portB = sw.port("b");
                assertThat(portB.drops(DropReason.ACL_IN)).as("frames to b:23 dropped and counted").isPositive();
                assertThat(portB.acl().hits(0)).isPositive();
                assertThat(dhcp.leases()).hasSize(2);
            }
        }
    }

    /**
     * Isolation: a and b on switch "lab", c on switch "other" with an address in the same
     * subnet. While a and b ping each other, c keeps trying to reach them and a keeps trying to
     * reach c; nothing gets through, and neither switch ever learns a MAC of the other's VMs.
     */
    @Test
    void aVmOnAnotherSwitchCannotReachTheVmsOfThisOne() throws Exception {
        Path home = Files.createDirectories(dir.resolve("h"));
        Path labSocket = NetworkPaths.socket(home, "lab"), otherSocket = NetworkPaths.socket(home, "other");
        NetworkPaths.prepare(labSocket);
        try (VirtualSwitch lab = new VirtualSwitch(VirtualSwitch.Config.defaults("lab"));
             VirtualSwitch other = new VirtualSwitch(VirtualSwitch.Config.defaults("other"));
             SwitchServer labServer = SwitchServer.start(lab, SeqpacketListener.bind(labSocket, SwitchServer.capacity(lab)),
                     port -> null, port -> PortVlan.access());
             SwitchServer otherServer = SwitchServer.start(other, SeqpacketListener.bind(otherSocket, SwitchServer.capacity(other)),
                     port -> null, port -> PortVlan.access())) {
            // The same subnet on both switches: only the switch boundary separates them.
            DhcpService otherDhcp = DhcpService.attach(other, DhcpConfig.forSubnet(Ipv4.parse("10.10.0.1"),
                    MacAddress.derive("dhcp:other"), 24, false), PortVlan.DEFAULT_VLAN);
            Map<String, String> env = Map.of("VIREO_HOME", home.toString());
            String b = "ip addr add 10.10.0.12/24 dev eth0; echo B-READY; sleep 900";
            String c = "ip addr add 10.10.0.13/24 dev eth0; while true; do "
                    + "ping -c 1 -W 1 10.10.0.11 >/dev/null 2>&1 && echo C-REACHED-A; "
                    + "ping -c 1 -W 1 10.10.0.12 >/dev/null 2>&1 && echo C-REACHED-B; echo C-TRIED; done";
            String a = "ip addr add 10.10.0.11/24 dev eth0; i=0; while [ $i -lt 300 ]; do "
                    + "ping -c 1 -W 1 10.10.0.12 >/dev/null 2>&1 && break; i=$((i+1)); done; "
                    + "ping -c 3 -W 2 10.10.0.12 && echo PING-OK; echo A-PROBING-C; i=0; while [ $i -lt 30 ]; do "
                    + "ping -c 1 -W 1 10.10.0.13 >/dev/null 2>&1 && echo A-REACHED-C; i=$((i+1)); done; echo A-DONE";
            try (VireoProcess vmC = run(env, "c", "switch=other", c);
                 VireoProcess vmB = run(env, "b", "switch=lab", b);
                 VireoProcess vmA = run(env, "a", "switch=lab", a)) {
                assertThat(vmA.awaitStdout(s -> s.contains("A-PROBING-C"), TWO_VM_TIMEOUT))
                        .as(VireoProcess.tail(vmA.stdout()) + "\nB:\n" + VireoProcess.tail(vmB.stdout())).isTrue();
                assertThat(vmA.stdout()).contains("PING-OK");
                // c must be up and probing while a probes it (a's 30 tries take at least 30 s).
                assertThat(vmC.awaitStdout(s -> s.contains("C-TRIED"), TWO_VM_TIMEOUT)).as(VireoProcess.tail(vmC.stdout())).isTrue();
                int triedBefore = count(vmC.stdout(), "C-TRIED");
                int status = vmA.waitFor(TWO_VM_TIMEOUT);
                assertThat(count(vmC.stdout(), "C-TRIED")).as("c kept probing while a probed c").isGreaterThan(triedBefore);
                assertThat(status).isZero();
                assertThat(vmA.stdout()).contains("A-DONE").doesNotContain("A-REACHED-C");
                assertThat(vmC.stdout()).doesNotContain("C-REACHED-A").doesNotContain("C-REACHED-B");
                assertThat(otherDhcp.leases()).as("c's NIC works: it leased from its own switch").hasSize(1);
                assertThat(lab.port("c")).isNull();
                assertThat(other.port("a")).isNull();
                assertThat(other.port("b")).isNull();
                long macA = MacAddress.derive("a"), macB = MacAddress.derive("b"), macC = MacAddress.derive("c");
                assertThat(lab.lookup(PortVlan.DEFAULT_VLAN, macC)).as("lab never saw c's MAC").isEqualTo(-1);
                assertThat(other.lookup(PortVlan.DEFAULT_VLAN, macA)).as("other never saw a's MAC").isEqualTo(-1);
                assertThat(other.lookup(PortVlan.DEFAULT_VLAN, macB)).as("other never saw b's MAC").isEqualTo(-1);
                assertThat(lab.lookup(PortVlan.DEFAULT_VLAN, macB)).as("lab learned b's MAC (b still runs)").isNotEqualTo(-1);
            }
        }
    }

    /**
     * Link state (virtio-net STATUS): while the switch is gone the guest's eth0 loses its
     * carrier, and gets it back when the switch returns and the NIC has reconnected.
     */
    @Test
    void theGuestSeesItsCarrierDropWhileTheSwitchIsDownAndReturn() throws Exception {
        Path home = Files.createDirectories(dir.resolve("h"));
        Path socket = NetworkPaths.socket(home, "lab");
        NetworkPaths.prepare(socket);
        String watch = "last=x; while true; do c=$(cat /sys/class/net/eth0/carrier 2>/dev/null || echo 0); "
                + "[ \"$c\" != \"$last\" ] && echo CARRIER=$c; last=$c; sleep 0.2; done";
        VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("lab"));
        SwitchServer server = SwitchServer.start(sw, SeqpacketListener.bind(socket, SwitchServer.capacity(sw)), port -> null, port -> PortVlan.access());
        try (VireoProcess vm = run(Map.of("VIREO_HOME", home.toString()), "watch", "switch=lab", watch)) {
            assertThat(vm.awaitStdout(s -> s.contains("CARRIER=1"), TIMEOUT)).as(VireoProcess.tail(vm.stdout()) + vm.stderr()).isTrue();
            server.close();
            sw.close();
            assertThat(vm.awaitStdout(s -> s.contains("CARRIER=0"), Duration.ofMinutes(2))).as(VireoProcess.tail(vm.stdout())).isTrue();
            int ups = count(vm.stdout(), "CARRIER=1");
            sw = new VirtualSwitch(VirtualSwitch.Config.defaults("lab"));
            server = SwitchServer.start(sw, SeqpacketListener.bind(socket, SwitchServer.capacity(sw)), port -> null, port -> PortVlan.access());
            assertThat(vm.awaitStdout(s -> count(s, "CARRIER=1") > ups, Duration.ofMinutes(2))).as(VireoProcess.tail(vm.stdout())).isTrue();
            assertThat(sw.port("watch")).as("the NIC rejoined the new switch").isNotNull();
        } finally {
            server.close();
            sw.close();
        }
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) n++;
        return n;
    }

    static String read(InputStream in) throws java.io.IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
