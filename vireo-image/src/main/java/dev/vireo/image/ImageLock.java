package dev.vireo.image;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The lock a writer holds on an image file, in QEMU's protocol (block/file-posix.c
 * {@code raw_apply_lock_bytes}): open file description (OFD) locks, which belong to one
 * open file rather than to the process, on bytes 100 + p ("I hold permission p") and
 * 200 + p ("I do not share p"), p = 0 consistent read, 1 write, 2 write unchanged, 3 resize.
 * A writer holds read, write and resize, and shares neither write nor resize. So two Vireo
 * writers refuse each other, and a running QEMU and a Vireo writer refuse each other too
 * (qemu-img info then says "Failed to get shared "write" lock", as with a QEMU writer).
 * Readers take no lock (QEMU's force-share).
 *
 * <p>Linux only; where OFD locks or native access are unavailable, images open unlocked.
 * The lock's file descriptor is owned by this object and never escapes. The calls go through
 * {@link Syscalls}, whose one downcall the convert's reader links too. (NIO's
 * {@code FileChannel.lock} is no substitute: it takes classic POSIX record locks, which belong
 * to the process, so that closing any other descriptor of the image drops them, and it has no
 * way to test a byte without locking it, which the protocol needs.)
 *
 * <pre>struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; };
 * int fcntl(int fd, int cmd, ... /* struct flock * *&#47;);</pre>
 */
public final class ImageLock implements AutoCloseable {
    private static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    private static final int F_OFD_GETLK = 36, F_OFD_SETLK = 37;
    private static final short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2, SEEK_SET = 0;
    private static final int PERM_BASE = 100, SHARED_BASE = 200;
    private static final int HELD = 0b1011;     // consistent read, write, resize
    private static final int UNSHARED = 0b1010; // write, resize
    private static final String[] PERM_NAMES = {"consistent read", "write", "write unchanged", "resize"};

    /**
     * {@code struct flock} on Linux x86-64, aarch64 and riscv64. It is filled in a direct
     * buffer at the offsets below ({@code ImageLockTest} checks them against this layout), not
     * through the layout's VarHandles, {@code byteOffset} or a segment's accessors: those spin
     * method-handle classes when first used (tens of milliseconds before a convert's first write).
     */
    static final StructLayout FLOCK = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("l_type"), ValueLayout.JAVA_SHORT.withName("l_whence"), MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("l_start"), ValueLayout.JAVA_LONG.withName("l_len"),
            ValueLayout.JAVA_INT.withName("l_pid"), MemoryLayout.paddingLayout(4));
    static final int L_TYPE = 0, L_WHENCE = 2, L_START = 8, L_LEN = 16;

    private int fd;

    private ImageLock(int fd) { this.fd = fd; }

    /**
     * Takes the writer's lock on {@code image}, or throws an {@link ImageException} naming the
     * process that holds the image. Returns null where locking is unavailable.
     */
    public static ImageLock forWriting(Path image) throws ImageException {
        int fd = Syscalls.open(image, O_RDONLY | O_CLOEXEC);
        // -1 also where system calls are unavailable (then the image opens unlocked); the
        // image's own open reports a missing or unreadable file
        if (fd < 0) return null;
        ImageLock lock = new ImageLock(fd);
        ByteBuffer flock = ByteBuffer.allocateDirect((int) FLOCK.byteSize()).order(ByteOrder.nativeOrder());
        try {
            if (lock.unsupported(flock)) { lock.close(); return null; }
            // First look (GETLK, as QEMU's raw_check_lock_bytes): nobody may unshare what we hold,
            // nor hold what we do not share. (Until 30 November this probe took a read lock on
            // the "unshared" byte of each permission held, and kept it: byte 200 stayed locked,
            // telling QEMU that we do not share "consistent read", which its writers never say.)
            for (int p = 0; p < PERM_NAMES.length; p++) {
                if ((HELD & 1 << p) != 0 && lock.held(flock, SHARED_BASE + p)) throw lock.inUse(image, "\"" + PERM_NAMES[p] + "\" lock");
                if ((UNSHARED & 1 << p) != 0 && lock.held(flock, PERM_BASE + p)) throw lock.inUse(image, "shared \"" + PERM_NAMES[p] + "\" lock");
            }
            for (int p = 0; p < PERM_NAMES.length; p++) {
                if ((HELD & 1 << p) != 0 && !lock.set(flock, PERM_BASE + p, F_RDLCK)) throw lock.inUse(image, "\"" + PERM_NAMES[p] + "\" lock");
                if ((UNSHARED & 1 << p) != 0 && !lock.set(flock, SHARED_BASE + p, F_RDLCK)) throw lock.inUse(image, "shared \"" + PERM_NAMES[p] + "\" lock");
            }
            // Taken: now nobody may hold what we do not share (a writer that raced us).
            for (int p = 0; p < PERM_NAMES.length; p++) {
                if ((HELD & 1 << p) != 0 && lock.held(flock, SHARED_BASE + p)) throw lock.inUse(image, "\"" + PERM_NAMES[p] + "\" lock");
            }
            return lock;
        } catch (ImageException e) {
            lock.close();
            throw e;
        }
    }

    /** Whether fcntl reported that this kernel has no OFD locks (EINVAL): checked via GETLK. */
    private boolean unsupported(ByteBuffer flock) {
        return fcntl(flock, F_OFD_GETLK, 0, F_RDLCK) < 0;
    }

    private boolean set(ByteBuffer flock, int offset, short type) {
        return fcntl(flock, F_OFD_SETLK, offset, type) == 0;
    }

    /** True if another open file description holds a lock on the byte at {@code offset}. */
    private boolean held(ByteBuffer flock, int offset) {
        if (fcntl(flock, F_OFD_GETLK, offset, F_WRLCK) != 0) return false;
        return flock.getShort(L_TYPE) != F_UNLCK;
    }

    private int fcntl(ByteBuffer flock, int command, int offset, short type) {
        for (int i = 0; i < flock.capacity(); i += Long.BYTES) flock.putLong(i, 0);
        flock.putShort(L_TYPE, type).putShort(L_WHENCE, SEEK_SET).putLong(L_START, offset).putLong(L_LEN, 1L);
        try {
            return Syscalls.fcntl(fd, command, MemorySegment.ofBuffer(flock));
        } finally {
            Reference.reachabilityFence(flock);
        }
    }

    private ImageException inUse(Path image, String which) {
        String holder = holders(image);
        return new ImageException("image '" + image + "' is in use for writing" + holder + " (failed to get " + which
                + "); stop that VM or program first, or open the image read-only (--disk " + image + ",readonly=on)");
    }

    /**
     * " by process 1234 (vireo run …)": processes with the file open, found through /proc
     * (error path only). This process counts only with more descriptors on the file than the
     * two of the failing open (the image's channel and the lock's descriptor).
     */
    static String holders(Path image) {
        long self = ProcessHandle.current().pid();
        StringBuilder out = new StringBuilder();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            Path real = image.toRealPath();
            for (Path proc : (Iterable<Path>) procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))::iterator) {
                long pid = Long.parseLong(proc.getFileName().toString());
                long open = opens(proc.resolve("fd"), real);
                if (open == 0 || pid == self && open <= 2) continue;
                out.append(out.isEmpty() ? " by process " : ", ").append(pid == self ? pid + " (this process)" : pid + commandOf(proc));
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return out.toString();
    }

    private static long opens(Path fds, Path file) {
        try (Stream<Path> s = Files.list(fds)) {
            return s.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String commandOf(Path proc) {
        try {
            String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').strip();
            int main = cmd.indexOf("dev.vireo.cli.Main ");
            if (main >= 0) cmd = "vireo " + cmd.substring(main + "dev.vireo.cli.Main ".length());
            int jar = cmd.indexOf("vireo.jar ");
            if (jar >= 0) cmd = "vireo " + cmd.substring(jar + "vireo.jar ".length());
            if (cmd.length() > 60) cmd = cmd.substring(0, 57) + "…";
            return cmd.isEmpty() ? "" : " (" + cmd + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (fd < 0) return;
        Syscalls.close(fd); // closing the description drops its OFD locks (even when close reports an error)
        fd = -1;
    }
}
