/**
 * Disk images for Vireo's block devices and {@code vireo img}.
 *
 * <p>Entry point: {@link dev.vireo.image.DiskImages#open} (format given or probed from the
 * magic), {@link dev.vireo.image.DiskImages#create}. Every format implements
 * {@link dev.vireo.image.DiskImage}; every error is an {@link dev.vireo.image.ImageException}
 * whose message says what to do.
 *
 * <ul>
 *   <li>{@code raw}: the file is the disk; sparse or preallocated; discard punches holes.</li>
 *   <li>{@code qcow2}: QEMU's docs/interop/qcow2.txt, versions 2 and 3: cluster sizes 512 B–2 MiB,
 *       standard and extended L2 entries, every refcount width, zero and compressed clusters,
 *       backing chains, internal snapshots, check and repair. No lazy refcounts: metadata
 *       writes are ordered so a crash leaves at most leaked clusters.</li>
 *   <li>{@code vmdk} (monolithicSparse, streamOptimized) and {@code vdi} (dynamic, fixed):
 *       read-only, for import with convert.</li>
 * </ul>
 *
 * <p>Threading: an image is used by one I/O thread at a time; callers serialize.
 */
package dev.vireo.image;
