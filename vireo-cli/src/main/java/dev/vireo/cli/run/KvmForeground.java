package dev.vireo.cli.run;

import dev.vireo.kvm.KvmLauncher;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code vireo run --accel kvm} in the foreground with the same console as the RISC-V
 * {@link ForegroundRunner}: on a terminal, raw mode and Ctrl-A x to quit; SIGINT/SIGTERM stop
 * the VM and restore the terminal; exit codes are {@link KvmLauncher}'s (0 poweroff, reset or
 * stop; 1 the guest died; 2 the VM could not start).
 *
 * <p>Threads: the caller's thread runs the VM; {@code vireo-console-input} (in the KVM
 * backend) reads stdin through the escape filter; the shutdown hook only asks the VM to stop.
 */
public final class KvmForeground {
    private static final long HOOK_WAIT_MILLIS = 3_000;

    private KvmForeground() {}

    public static int run(KvmLauncher.Request request, InputStream in, PrintStream out, PrintStream err) {
        KvmLauncher.Stopper stopper = new KvmLauncher.Stopper();
        Terminal terminal = Terminal.onStdin();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = Thread.ofPlatform().name("vireo-shutdown").unstarted(() -> {
            stopper.stop();
            try {
                finished.await(HOOK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            if (terminal != null) terminal.restore();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        EscapeInput escaped = terminal == null ? null : new EscapeInput(in, stopper);
        PrintStream messages = terminal == null ? err : new PrintStream(new CarriageReturns(err), true);
        try {
            if (terminal != null) {
                terminal.enterRawMode();
                messages.println("vireo: the console is this terminal; Ctrl-A x quits");
            }
            int exit = KvmLauncher.run(request, escaped != null ? escaped : in, out, messages, stopper);
            out.flush();
            if (escaped != null && escaped.quit) messages.println("\nvireo: stopped by host: Ctrl-A x typed on the console");
            return exit;
        } finally {
            if (terminal != null) terminal.restore();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and will return
            }
        }
    }

    /** Stdin through the console escape: Ctrl-A x stops the VM and ends the input. */
    static final class EscapeInput extends InputStream {
        private final InputStream in;
        private final KvmLauncher.Stopper stopper;
        private final ConsoleEscape escape = new ConsoleEscape();
        private volatile boolean quit;
        private byte[] pending = new byte[0];
        private int pendingOffset;

        EscapeInput(InputStream in, KvmLauncher.Stopper stopper) {
            this.in = in;
            this.stopper = stopper;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (pending.length == pendingOffset) {
                if (quit) return -1;
                byte[] raw = new byte[Math.max(len, 64)];
                int n = in.read(raw, 0, raw.length);
                if (n <= 0) return -1;
                pending = escape.filter(raw, n);   // may be one byte longer than n (a held Ctrl-A)
                pendingOffset = 0;
                if (escape.quitRequested()) {
                    quit = true;
                    stopper.stop();
                }
            }
            int count = Math.min(len, pending.length - pendingOffset);
            System.arraycopy(pending, pendingOffset, b, off, count);
            pendingOffset += count;
            return count;
        }
    }

    /** Our own messages while the terminal is raw (no output processing): "\n" becomes "\r\n". */
    private static final class CarriageReturns extends FilterOutputStream {
        CarriageReturns(OutputStream out) { super(out); }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') out.write('\r');
            out.write(b);
        }
    }
}
