package dev.vireo.image.qcow2;

import java.util.List;

/**
 * What {@link Qcow2Checker} found, shaped like qemu-img check's report.
 *
 * @param corruptions       references the refcounts do not cover, bad flags or pointers (data at risk)
 * @param leaks             clusters with more refcount than references (space lost, data safe)
 * @param checkErrors       errors that stopped part of the check (I/O)
 * @param corruptionsFixed  repaired by {@code -r all}
 * @param leaksFixed        repaired by {@code -r leaks} or {@code -r all}
 * @param imageEndOffset    end of the last cluster in use
 * @param totalClusters     guest clusters (virtual size / cluster size)
 * @param allocatedClusters guest clusters mapped to host clusters in the active layer
 * @param fragmentedClusters allocated clusters not following their predecessor on the host
 * @param compressedClusters compressed clusters in the active layer
 * @param messages          one line per finding ("ERROR cluster 5 refcount=0 reference=1", "Leaked cluster …")
 */
public record CheckResult(long corruptions, long leaks, long checkErrors, long corruptionsFixed, long leaksFixed,
                          long imageEndOffset, long totalClusters, long allocatedClusters, long fragmentedClusters,
                          long compressedClusters, List<String> messages) {
    /** qemu-img's exit status: 0 clean, 1 check error, 2 corruption, 3 only leaks. */
    public int exitCode() {
        if (checkErrors > 0) return 1;
        if (corruptions > 0) return 2;
        if (leaks > 0) return 3;
        return 0;
    }
}
