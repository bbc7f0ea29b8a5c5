package dev.vireo.cli.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" format the Linux kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per
 * entry, the NUL-terminated name, the data, each padded to 4 bytes, and a TRAILER!!! entry.
 */
final class CpioWriter implements AutoCloseable {
    static final int DIRECTORY = 0040000, REGULAR = 0100000, SYMLINK = 0120000;

    private final OutputStream out;
    private long written;
    private int inode = 1;

    CpioWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String path) throws IOException {
        entry(path, DIRECTORY | 0755, new byte[0]);
    }

    void file(String path, int mode, byte[] data) throws IOException {
        entry(path, REGULAR | mode, data);
    }

    void symlink(String path, String target) throws IOException {
        entry(path, SYMLINK | 0777, target.getBytes(StandardCharsets.UTF_8));
    }

    private void entry(String path, int mode, byte[] data) throws IOException {
        byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
        String header = "070701"
                + hex(inode++) + hex(mode) + hex(0) + hex(0) + hex(1) + hex(0)
                + hex(data.length) + hex(0) + hex(0) + hex(0) + hex(0)
                + hex(name.length) + hex(0);
        write(header.getBytes(StandardCharsets.US_ASCII));
        write(name);
        pad();
        write(data);
        pad();
    }

    private static String hex(int value) {
        return String.format("%08X", value);
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        while ((written & 3) != 0) {
            out.write(0);
            written++;
        }
    }

    @Override
    public void close() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        out.close();
    }
}
