import dev.vireo.image.*;
import java.nio.file.*;
public class SeqWrite {
    public static void main(String[] a) throws Exception {
        Path p = Path.of(a[0]);
        DiskImages.create(p, CreateOptions.qcow2(256L << 20));
        byte[] buf = new byte[128 << 10];
        java.util.Arrays.fill(buf, (byte) 1);
        long t0 = System.nanoTime();
        try (DiskImage img = DiskImages.open(p, OpenOptions.of(ImageFormat.QCOW2, false))) {
            for (long pos = 0; pos < (256L << 20); pos += buf.length) img.write(pos, buf, 0, buf.length);
            img.flush();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("256 MiB sequential 128K writes, safe ordering: %.2f s = %.0f MB/s%n", s, 256 / s);
    }
}
