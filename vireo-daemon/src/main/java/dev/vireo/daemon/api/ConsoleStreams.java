package dev.vireo.daemon.api;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.http.HttpRequest;
import dev.vireo.daemon.http.HttpResponse;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.registry.VmRecord;
import dev.vireo.vmm.ChannelStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The console over the API: {@code GET …/log[?follow=true]} streams the console log (following
 * it until the VM stops, across rotations), and {@code POST …/console} with
 * {@code Upgrade: vireo-console} turns the connection into a raw byte pipe to the VMM's
 * console socket. Each runs on its connection's virtual thread (plus one pump thread).
 */
public final class ConsoleStreams {
    public static final String PROTOCOL = "vireo-console";

    private final VireoHome home;
    private final Registry registry;

    public ConsoleStreams(VireoHome home, Registry registry) {
        this.home = home;
        this.registry = registry;
    }

    public HttpResponse log(String vm, boolean follow) {
        Path log = home.consoleLog(vm);
        return new HttpResponse.Stream(200, "text/plain; charset=utf-8", out -> {
            long position = 0;
            byte[] buffer = new byte[8192];
            while (true) {
                boolean active = registry.findVm(vm).map(v -> v.state().active()).orElse(false);
                if (Files.exists(log)) {
                    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                        if (file.length() < position) position = 0; // rotated
                        file.seek(position);
                        int n;
                        while ((n = file.read(buffer)) > 0) {
                            out.write(buffer, 0, n);
                            position += n;
                        }
                        out.flush();
                    }
                }
                if (!follow || !active) return;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public HttpResponse attach(VmRecord vm, HttpRequest request) {
        if (!vm.state().active()) {
            throw ApiException.conflict("vm '" + vm.name() + "' is " + vm.state() + "; start it first (vireo vm start " + vm.name() + ")");
        }
        String upgrade = request.header("upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase(PROTOCOL)) {
            throw ApiException.badRequest("the console endpoint needs 'Upgrade: " + PROTOCOL + "' and 'Connection: Upgrade'; use vireo vm console " + vm.name());
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(home.consoleSocket(vm.name())));
        } catch (IOException e) {
            throw new ApiException(503, "the console of vm '" + vm.name() + "' does not answer (" + e.getMessage() + "); see vireo vm info " + vm.name());
        }
        return new HttpResponse.Upgrade(PROTOCOL, (in, out) -> {
            try (channel) {
                Thread.ofVirtual().name("console-to-vmm").start(() -> {
                    copy(in, ChannelStreams.output(channel));
                    try {
                        channel.close(); // the client detached: end the other direction too
                    } catch (IOException ignored) {
                        // already closed
                    }
                });
                copy(ChannelStreams.input(channel), out);
            }
        });
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n == 0) continue;
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side closed
        }
    }
}
