package dev.vireo.image;

/**
 * What {@link DiskImages#create} makes. qcow2-only fields are ignored for raw.
 *
 * @param format         raw or qcow2
 * @param size           virtual size in bytes (may be 0 with a backing file: taken from it)
 * @param backingFile    backing file as stored in the header (relative to the image's directory), or null
 * @param backingFormat  format of the backing file, or null to probe
 * @param clusterSize    qcow2 cluster size, a power of two in [512, 2 MiB]
 * @param preallocation  off, metadata (qcow2), falloc or full
 * @param version        qcow2 version: 2 (compat=0.10) or 3 (compat=1.1)
 * @param extendedL2     qcow2 v3 extended L2 entries with 32 subclusters
 * @param refcountBits   qcow2 refcount width: 1, 2, 4, 8, 16, 32 or 64 (v2: 16 only)
 */
public record CreateOptions(ImageFormat format, long size, String backingFile, ImageFormat backingFormat,
                            int clusterSize, Preallocation preallocation, int version, boolean extendedL2,
                            int refcountBits) {
    public static CreateOptions qcow2(long size) {
        return new CreateOptions(ImageFormat.QCOW2, size, null, null, 65536, Preallocation.OFF, 3, false, 16);
    }

    public static CreateOptions raw(long size) {
        return new CreateOptions(ImageFormat.RAW, size, null, null, 65536, Preallocation.OFF, 3, false, 16);
    }

    public CreateOptions withBacking(String file, ImageFormat fmt) {
        return new CreateOptions(format, size, file, fmt, clusterSize, preallocation, version, extendedL2, refcountBits);
    }

    public CreateOptions withClusterSize(int bytes) {
        return new CreateOptions(format, size, backingFile, backingFormat, bytes, preallocation, version, extendedL2, refcountBits);
    }

    public CreateOptions withPreallocation(Preallocation p) {
        return new CreateOptions(format, size, backingFile, backingFormat, clusterSize, p, version, extendedL2, refcountBits);
    }

    public CreateOptions withVersion(int v) {
        return new CreateOptions(format, size, backingFile, backingFormat, clusterSize, preallocation, v, extendedL2, refcountBits);
    }

    public CreateOptions withExtendedL2(boolean on) {
        return new CreateOptions(format, size, backingFile, backingFormat, clusterSize, preallocation, version, on, refcountBits);
    }

    public CreateOptions withRefcountBits(int bits) {
        return new CreateOptions(format, size, backingFile, backingFormat, clusterSize, preallocation, version, extendedL2, bits);
    }

    public CreateOptions withSize(long bytes) {
        return new CreateOptions(format, bytes, backingFile, backingFormat, clusterSize, preallocation, version, extendedL2, refcountBits);
    }
}
