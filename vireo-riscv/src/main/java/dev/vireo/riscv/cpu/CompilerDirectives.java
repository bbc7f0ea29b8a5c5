package dev.vireo.riscv.cpu;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells HotSpot how to compile translated blocks, through its compiler directives (the
 * {@code Compiler.directives_add} diagnostic command, reached in-process through the
 * DiagnosticCommand MBean): a block's {@code run} must not inline the {@link Mmu} accessors.
 * Inlined, every load and store brings the whole foreign-memory access path into the block,
 * so a 60-instruction block compiles to some 45 KB of code in most of a second of C2 time, and
 * a booting kernel's thousands of blocks keep both host cores compiling. Called, an accessor is
 * compiled once for all blocks.
 *
 * <p>And C2 does not compile a {@code TranslatedBlock} at all: C1 does (first with profiling, then,
 * once C2 declines it, at its plain level). A boot makes some 500 blocks hot enough for C2, at
 * ~9 ms of compiler time each (JFR {@code jdk.Compilation}), about 5 of its 24 CPU seconds;
 * without, a boot took 7 % less CPU and a little less wall time (8 alternating pairs,
 * docs/riscv-translator.md). Code that stays hot is translated again as a {@code HotBlock}
 * ({@link Translator#hotThreshold}), which C2 compiles with everything inlined: the three tiers
 * are the interpreter, C1 blocks and C2 hot blocks.
 *
 * <p>{@code -Dvireo.riscv.jit.directives=noinline} lets C2 compile blocks too (the accessors still
 * not inlined); {@code =none} leaves HotSpot's defaults. Failure to install (another JVM, no
 * java.management) only costs speed.
 */
final class CompilerDirectives {
    private CompilerDirectives() {}

    private static final String BLOCKS = "dev/vireo/riscv/cpu/TranslatedBlock*.run";

    private static boolean installed;

    /**
     * Installs the directives the first time a translator is made (never when translation is
     * off), on a daemon thread: the platform MBean server and the diagnostic command bring some
     * 250 classes (java.management, JFR's commands) and cost the hart's start 0.1-0.3 s on the
     * calling thread, while the first block reaches HotSpot's compilers seconds later. A block
     * compiled before they are in place only takes longer to compile.
     */
    static synchronized void installOnce() {
        if (!installed) {
            installed = true;
            Thread.ofPlatform().name("vireo-compiler-directives").daemon().start(CompilerDirectives::install);
        }
    }

    private static void install() {
        String mode = System.getProperty("vireo.riscv.jit.directives", "c1");
        if (mode.equals("none")) return;
        String json = "[{ match: \"" + BLOCKS + "\", inline: \"-dev/vireo/riscv/cpu/Mmu.*\""
                + (mode.equals("c1") ? ", c2: { Exclude: true }" : "") + " }]";
        try {
            Path file = Files.createTempFile("vireo-directives", ".json");
            try {
                Files.writeString(file, json);
                ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                        new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception | LinkageError e) {
            System.err.println("vireo: could not install compiler directives for translated code (" + e + "); continuing");
        }
    }
}
