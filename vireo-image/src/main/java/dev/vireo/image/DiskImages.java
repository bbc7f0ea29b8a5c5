package dev.vireo.image;

import dev.vireo.image.qcow2.Qcow2Creator;
import dev.vireo.image.qcow2.Qcow2Image;
import dev.vireo.image.raw.RawImage;
import dev.vireo.image.vdi.VdiImage;
import dev.vireo.image.vmdk.VmdkImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens, probes and creates disk images: the one entry point of {@code vireo-image}. */
public final class DiskImages {
    private DiskImages() { }

    /** Opens {@code path} in the given format, or the probed one when {@code options.format()} is null. */
    public static DiskImage open(Path path, OpenOptions options) throws IOException {
        if (!Files.exists(path)) throw new ImageException("image '" + path + "' does not exist; check the path or create it with 'vireo img create'");
        ImageFormat format = options.format() != null ? options.format() : probe(path);
        if (!options.readOnly() && !format.writable())
            throw new ImageException(format.id() + " image '" + path + "' can only be opened read-only; convert it to qcow2 with 'vireo img convert -O qcow2'");
        if (options.directIo() && !format.writable())
            throw new ImageException("cache=none (O_DIRECT) is implemented for raw and qcow2, not for " + format.id()
                    + " image '" + path + "'; use cache=writeback or convert it with 'vireo img convert -O qcow2'");
        return switch (format) {
            case RAW -> RawImage.open(path, options.readOnly(), options.directIo());
            case QCOW2 -> Qcow2Image.open(path, options);
            case VMDK -> VmdkImage.open(path);
            case VDI -> VdiImage.open(path);
        };
    }

    /** The format of {@code path} from its magic bytes; files with no known magic are raw. */
    public static ImageFormat probe(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(512);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b) > 0) { }
        }
        b.flip();
        if (b.limit() >= 4 && b.getInt(0) == 0x514649fb) return ImageFormat.QCOW2;
        if (b.limit() >= 4 && b.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == 0x564d444b) return ImageFormat.VMDK;
        if (b.limit() >= 0x44 && b.order(ByteOrder.LITTLE_ENDIAN).getInt(0x40) == 0xbeda107f) return ImageFormat.VDI;
        String text = StandardCharsets.ISO_8859_1.decode(b.duplicate().position(0)).toString();
        if (text.startsWith("# Disk DescriptorFile"))
            throw new ImageException("'" + path + "' is a VMDK descriptor for extents in other files; only monolithicSparse and streamOptimized VMDK are supported, convert it with qemu-img");
        return ImageFormat.RAW;
    }

    /** Creates an image (overwriting {@code path}). */
    public static void create(Path path, CreateOptions options) throws IOException {
        switch (options.format()) {
            case RAW -> {
                if (options.backingFile() != null) throw new ImageException("raw images cannot have a backing file; use -f qcow2");
                RawImage.create(path, options.size(), options.preallocation());
            }
            case QCOW2 -> Qcow2Creator.create(path, options);
            case VMDK, VDI -> throw new ImageException("creating " + options.format().id()
                    + " images is not supported; create qcow2 or raw and convert with qemu-img if a " + options.format().id() + " is required");
        }
    }
}
