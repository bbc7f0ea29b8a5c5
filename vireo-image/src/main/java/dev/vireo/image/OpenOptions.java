package dev.vireo.image;

/**
 * How to open an image.
 *
 * @param format      the format, or {@code null} to probe the file's magic
 * @param readOnly    open without write access (the file is never modified)
 * @param unsafeCache skip the intermediate fdatasyncs that order metadata writes; only
 *                    {@link DiskImage#flush()} and close make data durable. For bulk
 *                    copies (convert) whose output is discarded on a crash.
 * @param directIo    bypass the host page cache (O_DIRECT, QEMU's {@code cache=none}) for the
 *                    image and its backing files; see {@link DirectChannel}
 */
public record OpenOptions(ImageFormat format, boolean readOnly, boolean unsafeCache, boolean directIo) {
    public OpenOptions(ImageFormat format, boolean readOnly, boolean unsafeCache) { this(format, readOnly, unsafeCache, false); }

    public static OpenOptions probe(boolean readOnly) { return new OpenOptions(null, readOnly, false); }

    public static OpenOptions of(ImageFormat format, boolean readOnly) { return new OpenOptions(format, readOnly, false); }

    public OpenOptions withUnsafeCache() { return new OpenOptions(format, readOnly, true, directIo); }

    public OpenOptions withDirectIo(boolean direct) { return new OpenOptions(format, readOnly, unsafeCache, direct); }
}
