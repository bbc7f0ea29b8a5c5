package dev.vireo.cli.net;

import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.net.NicLinks;
import dev.vireo.net.pcap.PcapWriter;
import dev.vireo.net.transport.MirrorClient;
import dev.vireo.net.transport.NetworkPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code vireo net capture NET [--port VM] -w FILE}: mirrors a running network's frames (or
 * one port's) into a pcap file that tshark, tcpdump and Wireshark read. Stops after
 * {@code --count} frames, when the network stops, or on Ctrl-C.
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = "Capture a network's frames (or one VM's) to a pcap file.")
final class NetCaptureCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NET", description = "Network name, as given to 'vireo net serve'.")
    String network;

    @Option(names = "--port", paramLabel = "VM", description = "Only frames to and from this port (VM name).")
    String port;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE", required = true, description = "pcap file to write.")
    Path file;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N frames (default: until stopped).")
    long count;

    @Option(names = "--socket", paramLabel = "PATH", description = "The network's socket, if not $VIREO_HOME/net/NET.sock.")
    Path socket;

    @Override
    public Integer call() {
        Path path;
        try {
            path = socket != null ? socket : NetworkPaths.socket(network);
        } catch (IllegalArgumentException e) {
            throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
        }
        try (MirrorClient client = MirrorClient.connect(path, port, NicLinks.MAX_FRAME + 9000);
             PcapWriter writer = PcapWriter.create(file)) {
            Runtime.getRuntime().addShutdownHook(new Thread(client::close, "vireo-net-capture-stop"));
            System.err.println("capturing " + (port == null ? "network '" + network + "'" : "port '" + port + "' of '" + network + "'")
                    + " to " + file + " (Ctrl-C stops)");
            long frames = client.copyTo(writer, count);
            System.err.println(frames + " frames captured");
            return Main.EXIT_OK;
        } catch (IOException e) {
            throw new VireoCliException("capture of '" + network + "': " + e.getMessage());
        }
    }
}
