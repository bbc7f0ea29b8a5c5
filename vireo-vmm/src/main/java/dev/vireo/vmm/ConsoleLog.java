package dev.vireo.vmm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The console log of one VM: {@code NAME.console.log}, rotated to {@code .1 … .keep} when it
 * passes {@code limitBytes} (the oldest is dropped). Written only by the console hub's writer.
 */
public final class ConsoleLog implements AutoCloseable {
    private final Path file;
    private final long limitBytes;
    private final int keep;
    private OutputStream out;
    private long size;

    public ConsoleLog(Path file, long limitBytes, int keep) throws IOException {
        this.file = file;
        this.limitBytes = limitBytes;
        this.keep = keep;
        Files.createDirectories(file.toAbsolutePath().getParent());
        open();
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (size + length > limitBytes && size > 0) rotate();
        out.write(bytes, offset, length);
        out.flush();
        size += length;
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
        if (keep > 0) Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        else Files.delete(file);
        open();
    }

    private Path rotated(int generation) { return file.resolveSibling(file.getFileName() + "." + generation); }

    @Override
    public synchronized void close() throws IOException { out.close(); }
}
