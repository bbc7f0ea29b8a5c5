package dev.vireo.cli.img;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.Extent;
import dev.vireo.image.Extents;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.qcow2.Qcow2Image;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vireo img convert [-f fmt] -O fmt [-c] [-p] [-o opts] SRC DST}: copies the guest view
 * of SRC (any format, through its backing chain) into a new DST, skipping ranges that read
 * as zero so the output stays sparse. {@code -c} writes qcow2 compressed clusters.
 */
@Command(name = "convert", description = "Copy an image into a new image of another format.", mixinStandardHelpOptions = true)
final class ConvertCommand extends ImgVerb {
    /**
     * Bytes per write: 2 MiB, qemu-img's request size. With 4 MiB, a qcow2 output (data from
     * 0x50000 on) got a write covering a whole aligned 2 MiB range every time, which Linux 6.18's
     * ext4 fills with a 2 MiB page-cache folio. On a VM host that returns free memory to its
     * hypervisor (free page reporting, as on ours) such a folio comes from reported memory and
     * costs the hypervisor's fault: converts to qcow2 on /tmp took 1.9-2.3 s against qemu-img's
     * 0.32-0.45 s, and 0.42-0.55 s with 2 MiB (docs/images.md). Raw outputs, aligned either way,
     * still get such folios, as qemu-img's do.
     */
    private static final int CHUNK = 2 << 20, BUFFERS = 3;
    private static final Object DONE = new Object();
    @Option(names = "-f") String format;
    @Option(names = "-O", description = "Output format: raw (default) or qcow2.") String outFormat = "raw";
    @Option(names = "-c", description = "Compress (qcow2 output).") boolean compress;
    @Option(names = "-p", description = "Show progress.") boolean progress;
    @Option(names = "-q", description = "Quiet.") boolean quiet;
    @Option(names = "-t", description = "Output cache mode: unsafe (default, like qemu-img: no fsync), writeback (fsync at the end)"
            + " or none (O_DIRECT, bypassing the host page cache, and fsync at the end).")
    String cache = "unsafe";
    @Option(names = "-o", description = "Options for the output, as for create.") List<String> options = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "SRC") String source;
    @Parameters(index = "1", paramLabel = "DST") String target;

    /**
     * The verb parsed without picocli, or null when {@code words} (what follows {@code convert})
     * are not a plain invocation: only the options {@code -f -O -t -o} each followed by its value
     * as a separate word, the flags {@code -c -p -q}, and exactly two other words, SRC and DST.
     * Anything else (help, clustered or unknown options, a word missing) is left to picocli, which
     * parses it and reports errors as usual. Building picocli's model is about half of a short
     * convert's start-up ({@code ConvertCommandPlainTest} checks that both parse alike).
     */
    static ConvertCommand plain(List<String> words) {
        ConvertCommand c = new ConvertCommand();
        List<String> files = new ArrayList<>(2);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            boolean takesValue = w.equals("-f") || w.equals("-O") || w.equals("-t") || w.equals("-o");
            if (takesValue && i + 1 < words.size() && !words.get(i + 1).startsWith("-")) {
                String value = words.get(++i);
                switch (w) {
                    case "-f" -> c.format = value;
                    case "-O" -> c.outFormat = value;
                    case "-t" -> c.cache = value;
                    default -> c.options.add(value);
                }
            } else if (w.equals("-c")) {
                c.compress = true;
            } else if (w.equals("-p")) {
                c.progress = true;
            } else if (w.equals("-q")) {
                c.quiet = true;
            } else if (w.startsWith("-") || takesValue || files.size() == 2) {
                return null;
            } else {
                files.add(w);
            }
        }
        if (files.size() != 2) return null;
        c.source = files.get(0);
        c.target = files.get(1);
        return c;
    }

    @Override
    int execute() throws IOException {
        ImageFormat outFmt = ImageFormat.parse(outFormat);
        if (compress && outFmt != ImageFormat.QCOW2) throw new ImageException("-c needs -O qcow2");
        if (!List.of("unsafe", "writeback", "none").contains(cache))
            throw new ImageException("-t must be unsafe, writeback or none, not '" + cache + "'");
        try (DiskImage src = open(source, format, true)) {
            CreateOptions create = CreateCommand.options(outFmt, src.size(), options, Path.of(target), null, null);
            int c = create.clusterSize(); // zero detection's granularity (a bad size: create says so below)
            int cluster = outFmt == ImageFormat.QCOW2 && Integer.bitCount(c) == 1 && c >= 512 && c <= 2 << 20 ? c : 65536;
            // The reader starts before DST is created and opened: opening it for writing takes
            // the image lock, whose first FFM downcall of the JVM links for tens of milliseconds,
            // meanwhile the reader maps SRC and finds its zero clusters.
            try (Reader reader = new Reader(src, cluster)) {
                DiskImages.create(Path.of(target), create);
                try (DiskImage dst = DiskImages.open(Path.of(target), OpenOptions.of(outFmt, false).withUnsafeCache()
                        .withDirectIo(cache.equals("none")))) {
                    write(reader, dst, new Progress(out(), progress && !quiet));
                    if (!cache.equals("unsafe")) dst.flush();
                }
            }
        }
        return 0;
    }

    /** One piece of SRC to copy: guest range, and where its bytes lie in a host file when they can be mapped. */
    private record Piece(long position, int length, String file, long offset) { }

    /**
     * A piece read into a buffer of the pool (returned after the write) or mapped from the source
     * file, with its runs of non-zero clusters ({@link #nonZeroRuns}).
     */
    private record Filled(Piece piece, ByteBuffer data, boolean pooled, int[] runs) { }

    /**
     * The reading half of a convert, on its own thread: it goes through every range that some
     * layer of SRC stores (the allocation map: unallocated and zero-flagged ranges are never
     * read) in chunks, and hands them to the writer with their runs of non-zero clusters, so that
     * the writer only writes. Reading SRC and writing DST overlap, as in qemu-img's parallel
     * requests. Data stored uncompressed in a raw or qcow2 file (the usual case) is not read at
     * all but mapped ({@link SourceMaps}): the writer writes straight from the source's page
     * cache, one kernel copy instead of two. Mapped chunks need no buffer, so the reader may run
     * up to {@link #AHEAD} chunks ahead (faulting them in); read ones wait for one of the
     * {@link #BUFFERS} buffers, made when first needed. The reader thread owns SRC until {@link #close}.
     */
    private static final class Reader implements AutoCloseable {
        private static final int AHEAD = 32;
        private final List<Piece> pieces = new ArrayList<>();
        private final Handoff<ByteBuffer> free = new Handoff<>(BUFFERS);
        private final Handoff<Object> full = new Handoff<>(AHEAD);
        private final SourceMaps maps = new SourceMaps();
        private final Thread thread;
        private int buffers; // pooled pieces so far (the first BUFFERS make the buffers), reader thread only
        /** DST's cluster size: the granularity of zero detection and of the runs handed over. */
        final int cluster;

        Reader(DiskImage src, int cluster) throws IOException {
            this.cluster = cluster;
            int chunk = Math.max(CHUNK, cluster);
            for (Extent e : Extents.of(src)) {
                if (e.zero() || !e.present()) continue;
                for (long pos = e.start(), end = e.start() + e.length(); pos < end; ) {
                    long alignedEnd = Math.min(end, ((pos / chunk) + 1) * chunk);
                    long offset = e.offset() < 0 ? -1 : e.offset() + (pos - e.start());
                    pieces.add(new Piece(pos, (int) (alignedEnd - pos), e.file(), offset));
                    pos = alignedEnd;
                }
            }
            MemorySegment zeros = Arena.ofAuto().allocate(cluster);
            thread = Thread.ofPlatform().name("vireo-convert-read").daemon().start(() -> {
                try {
                    for (Piece p : pieces) {
                        ByteBuffer data = maps.slice(p.file(), p.offset(), p.length());
                        boolean pooled = data == null;
                        if (pooled) {
                            // buffers are made when first needed: a mapped source needs none
                            data = buffers++ < BUFFERS ? ByteBuffer.allocateDirect(chunk) : free.take();
                            src.read(p.position(), data.clear().limit(p.length()));
                        }
                        int[] runs = nonZeroRuns(MemorySegment.ofBuffer(data.clear()), p.position(), p.length(), cluster, zeros);
                        full.put(new Filled(p, data, pooled, runs));
                    }
                    full.put(DONE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                    hand(full, e);
                } catch (InternalError e) { // SIGBUS in a mapping: the file shrank under us
                    hand(full, new IOException("the source changed while being converted (truncated by another program?): "
                            + e.getMessage(), e));
                }
            });
        }

        /** The next chunk, in order; throws the reader's failure. */
        Filled next() throws IOException, InterruptedException {
            Object next = full.take();
            if (next instanceof IOException e) throw e;
            if (next instanceof RuntimeException e) throw e;
            return (Filled) next;
        }

        /** Gives a chunk's buffer back to the reader once it is written. */
        void done(Filled f) throws InterruptedException {
            if (f.pooled()) free.put(f.data());
        }

        /** Stops the reader (if it is still going) and unmaps SRC. */
        @Override
        public void close() {
            thread.interrupt();
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            maps.close();
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes what {@code reader} hands over into DST (this thread owns DST), in order: runs of
     * fresh qcow2 clusters are allocated contiguously, written and mapped with one refcount
     * update and one L2 write each, data before the metadata that points at it.
     */
    private void write(Reader reader, DiskImage dst, Progress bar) throws IOException {
        long size = dst.size();
        try {
            for (int i = 0; i < reader.pieces.size(); i++) {
                Filled f = reader.next();
                writeRuns(dst, f.piece().position(), f.data(), f.runs(), reader.cluster);
                reader.done(f);
                bar.update(f.piece().position() + f.piece().length(), size);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("convert interrupted");
        }
        bar.finish(size);
    }

    /** Passes the reader's failure to the writer (blocking: the queue may be full of chunks). */
    private static void hand(Handoff<Object> full, Exception failure) {
        try {
            full.put(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the writer has stopped already
        }
    }

    /**
     * The runs of {@code data[0, n)} (guest position {@code pos}) to write, as [from, to) pairs:
     * cluster-aligned pieces that are all zero are left out (a hole or an unallocated cluster
     * reads as zero in the new image), adjacent non-zero ones joined.
     */
    private static int[] nonZeroRuns(MemorySegment data, long pos, int n, int cluster, MemorySegment zeros) {
        int[] runs = new int[8];
        int count = 0;
        for (int i = 0; i < n; ) {
            int piece = (int) Math.min(n - i, cluster - ((pos + i) % cluster));
            if (!isZero(data, i, piece, zeros)) {
                if (count > 0 && runs[count - 1] == i) {
                    runs[count - 1] = i + piece;
                } else {
                    if (count == runs.length) runs = java.util.Arrays.copyOf(runs, count * 2);
                    runs[count++] = i;
                    runs[count++] = i + piece;
                }
            }
            i += piece;
        }
        return java.util.Arrays.copyOf(runs, count);
    }

    /** Writes {@code runs} of {@code buffer}: each in one write, or cluster by cluster compressed with {@code -c}. */
    private void writeRuns(DiskImage dst, long pos, ByteBuffer buffer, int[] runs, int cluster) throws IOException {
        MemorySegment data = MemorySegment.ofBuffer(buffer.clear());
        for (int r = 0; r < runs.length; r += 2) {
            int i = runs[r], j = runs[r + 1];
            if (compress && dst instanceof Qcow2Image q) {
                while (i < j) {
                    int piece = (int) Math.min(j - i, cluster - ((pos + i) % cluster));
                    writeCompressed(q, pos + i, data, i, piece, cluster);
                    i += piece;
                }
            } else {
                dst.write(pos + i, buffer.limit(j).position(i));
            }
        }
    }

    private static boolean isZero(MemorySegment data, int from, int length, MemorySegment zeros) {
        return MemorySegment.mismatch(data, from, from + length, zeros, 0, length) < 0;
    }

    /** A whole cluster compressed; a partial one (at the end of the disk, or misaligned) merged into what DST holds. */
    private void writeCompressed(Qcow2Image q, long at, MemorySegment data, int i, int piece, int cluster) throws IOException {
        byte[] bytes = data.asSlice(i, piece).toArray(ValueLayout.JAVA_BYTE);
        if (piece == cluster) {
            q.writeCompressed(at, bytes);
            return;
        }
        byte[] whole = new byte[cluster];
        long start = at - (at % cluster);
        q.read(start, whole, 0, (int) Math.min(cluster, q.size() - start));
        System.arraycopy(bytes, 0, whole, (int) (at % cluster), piece);
        if (q.size() - start >= cluster) q.writeCompressed(start, whole);
        else q.write(at, bytes, 0, piece);
    }
}
