import dev.vireo.image.*;
import java.nio.file.*;
public class RandWrite {
    public static void main(String[] a) throws Exception {
        Path p = Path.of(a[0]);
        DiskImages.create(p, CreateOptions.qcow2(1L << 30));
        byte[] buf = new byte[4096];
        java.util.Random r = new java.util.Random(1);
        r.nextBytes(buf);
        int n = 20000;
        long t0 = System.nanoTime();
        try (DiskImage img = DiskImages.open(p, OpenOptions.of(ImageFormat.QCOW2, false))) {
            for (int i = 0; i < n; i++) img.write((r.nextLong(1L << 30) & ~4095L), buf, 0, 4096);
            img.flush();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d random 4K writes over 1 GiB, safe ordering: %.2f s = %.0f IOPS%n", n, s, n / s);
    }
}
