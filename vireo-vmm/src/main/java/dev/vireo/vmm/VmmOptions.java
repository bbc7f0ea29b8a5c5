package dev.vireo.vmm;

import java.nio.file.Path;
import java.util.List;

/**
 * How the daemon starts one VMM process: {@code vireo vmm --name N --control SOCK --console SOCK
 * --log FILE --status FILE -- <the arguments of vireo run>}.
 *
 * @param status where the VMM writes why it stopped (JSON {@code {"clean":…,"reason":…}}) before it exits
 */
public record VmmOptions(String name, Path control, Path console, Path log, Path status, List<String> runArguments) {
    public VmmOptions {
        runArguments = List.copyOf(runArguments);
    }
}
