package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The privileged NIC modes with the default Linux guest, inside a network namespace this
 * test creates (and deletes in {@link #cleanUp}, also on failure): host-only (a switch with a
 * host TAP and Vireo's DHCP) and bridged (the VM's own TAP on a bridge). The namespace plays
 * the host: it pings the guest and fetches a page from busybox httpd in the guest. Needs root.
 */
@Tag("guest")
class RunNetworkModesTest {
    static final Duration TIMEOUT = Duration.ofMinutes(8);
    static final Pattern ETH0_ADDRESS = Pattern.compile("eth0\\s+inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/(\\d+)");

    @TempDir Path dir;
    private final List<VireoProcess> processes = new ArrayList<>();
    private TestNamespace namespace;

    @AfterEach
    void cleanUp() throws Exception {
        System.clearProperty("vireo.home");
        for (VireoProcess p : processes) p.close();
        if (namespace != null) namespace.close();
    }

    private static void needTools() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping")),
                "needs ping (apt-get install iputils-ping)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl (apt-get install curl)");
    }

    private VireoProcess start(List<String> wrapper, Map<String, String> env, String... args) throws Exception {
        VireoProcess p = VireoProcess.startWrapped(wrapper, env, args);
        processes.add(p);
        return p;
    }

    private VireoProcess runGuest(List<String> wrapper, Map<String, String> env, String name, String nic, String command) throws Exception {
        return start(wrapper, env, TestGuest.runArgs("256M", command, "--name", name, "--nic", nic).toArray(String[]::new));
    }

    /** Busybox httpd in the guest serving {@code page}, after a ping of {@code hostAddress}. */
    private static String guestServer(String setup, String hostAddress, String page) {
        return setup + "ip -4 -o addr show eth0; ping -c 2 -W 3 " + hostAddress + " >/dev/null && echo GUEST-TO-HOST-OK; "
                + "mkdir -p /www; echo " + page + " > /www/index.html; httpd -p 80 -h /www && echo HTTPD-READY; sleep 600";
    }

    /** From the namespace (the host side): ping the guest, then fetch its page. */
    private void hostReachesGuest(String address, String page) throws Exception {
        String ping = namespace.run("ping", "-c", "3", "-W", "3", address);
        assertThat(ping).contains("3 received");
        String body = namespace.run("curl", "-sS", "--max-time", "30", "http://" + address + "/index.html");
        assertThat(body).isEqualTo(page + "\n");
    }

    @Test
    void hostOnlyGuestLeasesFromVireoDhcpAndTheHostReachesItsWebServer() throws Exception {
        TestGuest.guest();
        needTools();
        namespace = TestNamespace.create("vho");
        Map<String, String> env = Map.of("VIREO_HOME", Files.createDirectories(dir.resolve("h")).toString());
        // The switch (and its host TAP) lives in the namespace; the VM joins it by socket.
        VireoProcess network = start(namespace.wrapper(), env, "net", "serve", "ho", "--host-only", "192.168.57.1/24");
        assertThat(network.awaitStdout(s -> s.contains("serving at"), Duration.ofSeconds(60)))
                .as("switch: %s %s", network.stdout(), network.stderr()).isTrue();
        assertThat(namespace.run("ip", "-4", "-o", "addr", "show", "dev", "vt-ho")).contains("192.168.57.1/24");

        VireoProcess vm = runGuest(List.of(), env, "hovm", "hostonly=ho", guestServer("", "192.168.57.1", "FROM-HOSTONLY-GUEST"));
        assertThat(vm.awaitStdout(s -> s.contains("HTTPD-READY"), TIMEOUT)).as(VireoProcess.tail(vm.stdout()) + vm.stderr()).isTrue();
        Matcher lease = ETH0_ADDRESS.matcher(vm.stdout());
        assertThat(lease.find()).as("the guest's eth0 has a DHCP address: " + VireoProcess.tail(vm.stdout())).isTrue();
        String address = lease.group(1);
        // Vireo's host-only DHCP pool is .100-.199 of the host's /24 (docs/networking.md).
        assertThat(address).matches("192\\.168\\.57\\.1\\d\\d");
        assertThat(lease.group(2)).isEqualTo("24");
        assertThat(vm.stdout()).contains("GUEST-TO-HOST-OK");
        hostReachesGuest(address, "FROM-HOSTONLY-GUEST");
    }

    /**
     * The daemon's named networks in privileged modes: vireod runs inside the namespace (so
     * its host-only TAP and the VMM's bridge TAP are created there); the CLI talks to it over
     * its socket. One VM, eth0 on a host-only network (the daemon's switch, DHCP), eth1 on a
     * bridge network (its own TAP on vbr0); the namespace reaches the guest on both.
     */
    @Test
    void daemonHostOnlyAndBridgeNetworksReachAGuestFromTheHostSide() throws Exception {
        DefaultGuest g = TestGuest.guest();
        needTools();
        namespace = TestNamespace.create("vdn");
        namespace.run("ip", "link", "add", "vbr0", "type", "bridge");
        namespace.run("ip", "address", "add", "10.79.0.1/24", "dev", "vbr0");
        namespace.run("ip", "link", "set", "dev", "vbr0", "up");
        Path home = Files.createDirectories(dir.resolve("h"));
        VireoProcess daemon = start(namespace.wrapper(), Map.of("VIREO_HOME", home.toString()), "daemon");
        daemon.awaitDaemon(home);
        System.setProperty("vireo.home", home.toString());

        DaemonApiTest.ok(CliTest.vireo("net", "create", "ho", "--mode", "hostonly", "--subnet", "192.168.58.1/24"));
        DaemonApiTest.ok(CliTest.vireo("net", "create", "br", "--mode", "bridge", "--bridge", "vbr0"));
        assertThat(namespace.run("ip", "-4", "-o", "addr", "show", "dev", "vt-ho")).contains("192.168.58.1/24");
        String command = "ip link set eth1 up; ip addr add 10.79.0.60/24 dev eth1; "
                + guestServer("", "192.168.58.1", "FROM-DAEMON-GUEST");
        DaemonApiTest.ok(CliTest.vireo("vm", "create", "dvm", "--memory", "256M", "--kernel", g.kernel().toString(),
                "--initrd", g.initrd().toString(), "--firmware", g.firmware().toString(),
                "--nic", "network=ho", "--nic", "network=br", "--append",
                "vireo.exec=" + Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8))));
        DaemonApiTest.ok(CliTest.vireo("vm", "start", "dvm"));
        Path log = home.resolve("logs/dvm.console.log");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains("HTTPD-READY"))) Thread.sleep(500);
        String console = Files.exists(log) ? Files.readString(log) : "(no console log)";
        assertThat(console).as(VireoProcess.tail(console)).contains("HTTPD-READY").contains("GUEST-TO-HOST-OK");
        Matcher lease = ETH0_ADDRESS.matcher(console);
        assertThat(lease.find()).as(VireoProcess.tail(console)).isTrue();
        assertThat(lease.group(1)).matches("192\\.168\\.58\\.1\\d\\d");
        assertThat(namespace.run("ip", "-o", "link", "show", "master", "vbr0")).contains("vt-dvm-eth1");
        hostReachesGuest(lease.group(1), "FROM-DAEMON-GUEST");
        hostReachesGuest("10.79.0.60", "FROM-DAEMON-GUEST");
        String listed = DaemonApiTest.ok(CliTest.vireo("net", "list")).out();
        assertThat(listed).containsPattern("ho\\s+hostonly\\s+subnet 192.168.58.1/24\\s+up\\s+dvm")
                .containsPattern("br\\s+bridge\\s+bridge vbr0\\s+per-vm\\s+dvm");
        DaemonApiTest.ok(CliTest.vireo("vm", "poweroff", "dvm"));
    }

    @Test
    void bridgedGuestJoinsTheHostBridgeAndTheHostReachesItsWebServer() throws Exception {
        TestGuest.guest();
        needTools();
        namespace = TestNamespace.create("vbr");
        namespace.run("ip", "link", "add", "vbr0", "type", "bridge");
        namespace.run("ip", "address", "add", "10.78.0.1/24", "dev", "vbr0");
        namespace.run("ip", "link", "set", "dev", "vbr0", "up");
        Map<String, String> env = Map.of("VIREO_HOME", Files.createDirectories(dir.resolve("h")).toString());
        // The VM creates its own TAP, so it runs inside the namespace. No DHCP on this bridge:
        // the guest takes a fixed address (its udhcpc gives up after ~10 s).
        VireoProcess vm = runGuest(namespace.wrapper(), env, "brvm", "bridge=vbr0",
                guestServer("ip addr add 10.78.0.50/24 dev eth0; ", "10.78.0.1", "FROM-BRIDGED-GUEST"));
        assertThat(vm.awaitStdout(s -> s.contains("HTTPD-READY"), TIMEOUT)).as(VireoProcess.tail(vm.stdout()) + vm.stderr()).isTrue();
        assertThat(namespace.run("ip", "-o", "link", "show", "master", "vbr0")).as("the VM's TAP is a port of the bridge").contains("vt-brvm");
        assertThat(vm.stdout()).contains("GUEST-TO-HOST-OK");
        hostReachesGuest("10.78.0.50", "FROM-BRIDGED-GUEST");
    }
}
