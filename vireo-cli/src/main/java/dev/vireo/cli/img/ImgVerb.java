package dev.vireo.cli.img;

import dev.vireo.cli.VireoCliException;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Shared plumbing of the {@code vireo img} verbs: output streams, opening images, error mapping. */
abstract class ImgVerb implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** Does the verb's work and returns its exit code. */
    abstract int execute() throws IOException;

    /** Exit code when an image error stops the verb. */
    int errorExitCode() { return 1; }

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new VireoCliException("'" + e.getFile() + "' does not exist; check the path", errorExitCode());
        } catch (java.nio.file.AccessDeniedException e) {
            throw new VireoCliException("no permission to open '" + e.getFile() + "'; check its owner and mode", errorExitCode());
        } catch (IOException e) {
            throw new VireoCliException(e.getMessage() == null ? e.toString() : e.getMessage(), errorExitCode());
        } catch (NumberFormatException e) {
            throw new VireoCliException("not a number: " + e.getMessage() + "; check the option values", errorExitCode());
        }
    }

    /** Where the verb prints: picocli's writer, or standard output when run without picocli ({@link ImgCommand#plainVerb}). */
    PrintWriter out() {
        if (spec != null) return spec.commandLine().getOut();
        if (plainOut == null) plainOut = new PrintWriter(System.out, true);
        return plainOut;
    }

    private PrintWriter plainOut;

    static ImageFormat format(String name) throws IOException { return name == null ? null : ImageFormat.parse(name); }

    static DiskImage open(String file, String format, boolean readOnly) throws IOException {
        return DiskImages.open(Path.of(file), new OpenOptions(format(format), readOnly, false));
    }

    static ImageFormat formatOf(String file, String format) throws IOException {
        return format != null ? ImageFormat.parse(format) : DiskImages.probe(Path.of(file));
    }
}
