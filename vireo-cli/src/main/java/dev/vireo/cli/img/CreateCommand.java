package dev.vireo.cli.img;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.Preallocation;
import dev.vireo.image.qcow2.Qcow2Image;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code vireo img create [-f fmt] [-b backing -F fmt] [-o opts] FILE [SIZE]}. */
@Command(name = "create", description = "Create a raw or qcow2 image.", mixinStandardHelpOptions = true)
final class CreateCommand extends ImgVerb {
    @Option(names = "-f", description = "Format: raw (default) or qcow2.") String format = "raw";
    @Option(names = "-b", description = "Backing file (qcow2), relative to the new image's directory.") String backing;
    @Option(names = "-F", description = "Format of the backing file (probed when omitted).") String backingFormat;
    @Option(names = "-o", description = "cluster_size=…,preallocation=off|metadata|falloc|full,compat=0.10|1.1,"
            + "extended_l2=on|off,refcount_bits=N,backing_file=…,backing_fmt=…") List<String> options = new ArrayList<>();
    @Option(names = "-q", description = "Quiet.") boolean quiet;
    @Parameters(index = "0", paramLabel = "FILE") String file;
    @Parameters(index = "1", arity = "0..1", paramLabel = "SIZE", description = "Like 10G, 512M; optional with -b.") String size;

    @Override
    int execute() throws IOException {
        ImageFormat f = ImageFormat.parse(format);
        Path path = Path.of(file);
        CreateOptions o = options(f, size == null ? 0 : Sizes.parse(size), options, path, backing, backingFormat);
        if (o.backingFile() == null && size == null && o.size() == 0)
            throw new ImageException("missing SIZE for '" + file + "'; pass it like 10G, or a backing file with -b");
        DiskImages.create(path, o);
        if (!quiet) out().println("Formatting '" + file + "', fmt=" + f.id() + " size=" + o.size()
                + (o.backingFile() != null ? " backing_file=" + o.backingFile() + " backing_fmt=" + o.backingFormat().id() : "")
                + (f == ImageFormat.QCOW2 ? " cluster_size=" + o.clusterSize() + " compat=" + (o.version() == 2 ? "0.10" : "1.1")
                + " extended_l2=" + (o.extendedL2() ? "on" : "off") + " refcount_bits=" + o.refcountBits() : "")
                + " preallocation=" + o.preallocation().name().toLowerCase(java.util.Locale.ROOT));
        return 0;
    }

    /**
     * The options of a new image at {@code path} from {@code -o} groups ({@code create} and
     * {@code convert} take the same), with the backing file of {@code -b}/{@code -F} or of
     * {@code backing_file}/{@code backing_fmt}.
     */
    static CreateOptions options(ImageFormat f, long size, List<String> groups, Path path, String backing, String backingFormat) throws IOException {
        CreateOptions o = (f == ImageFormat.QCOW2 ? CreateOptions.qcow2(0) : CreateOptions.raw(0)).withSize(size);
        String bf = backing, bfmt = backingFormat;
        for (String group : groups) for (String kv : group.split(",")) {
            if (kv.isBlank()) continue;
            String[] p = kv.split("=", 2);
            String k = p[0].trim(), v = p.length > 1 ? p[1].trim() : "on";
            o = switch (k) {
                case "cluster_size" -> o.withClusterSize((int) Sizes.parse(v));
                case "preallocation" -> o.withPreallocation(Preallocation.parse(v));
                case "compat" -> o.withVersion(switch (v) {
                    case "0.10", "v2" -> 2;
                    case "1.1", "v3" -> 3;
                    default -> throw new ImageException("compat must be 0.10 or 1.1, not '" + v + "'");
                });
                case "extended_l2" -> o.withExtendedL2(onOff(k, v));
                case "refcount_bits" -> o.withRefcountBits(Integer.parseInt(v));
                case "lazy_refcounts" -> {
                    if (onOff(k, v)) throw new ImageException("lazy_refcounts=on is not supported: Vireo orders metadata writes instead; drop the option");
                    yield o;
                }
                case "compression_type" -> {
                    if (!v.equals("zlib")) throw new ImageException("only compression_type=zlib is supported");
                    yield o;
                }
                case "size" -> o.withSize(Sizes.parse(v));
                case "backing_file" -> { bf = v; yield o; }
                case "backing_fmt" -> { bfmt = v; yield o; }
                default -> throw new ImageException("unknown option '" + k + "' for " + f.id() + "; see 'vireo img create --help'");
            };
        }
        if (bf == null) return o;
        ImageFormat backingFmt = bfmt != null ? ImageFormat.parse(bfmt) : DiskImages.probe(Qcow2Image.resolveBacking(path, bf));
        return o.withBacking(bf, backingFmt);
    }

    private static boolean onOff(String key, String v) throws ImageException {
        return switch (v) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new ImageException(key + " must be on or off, not '" + v + "'");
        };
    }
}
