package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vireo guest info [--output json]}: where the prepared default guest is, and its versions. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the prepared default guest's files and package versions.")
final class GuestInfoCommand implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
        DefaultGuest guest = DefaultGuest.locate();
        if (output == OutputFormat.json) {
            List<String> versions = new ArrayList<>();
            guest.versions().forEach((k, v) -> versions.add(Json.string(k) + ": " + Json.string(v)));
            System.out.println("{\"kernel\": " + Json.string(guest.kernel().toString())
                    + ", \"initrd\": " + Json.string(guest.initrd().toString())
                    + ", \"firmware\": " + Json.string(guest.firmware().toString())
                    + ", \"versions\": {" + String.join(", ", versions) + "}}");
        } else {
            System.out.printf("%-9s %s%n", "kernel", guest.kernel());
            System.out.printf("%-9s %s%n", "initrd", guest.initrd());
            System.out.printf("%-9s %s%n", "firmware", guest.firmware());
            guest.versions().forEach((k, v) -> System.out.printf("%-9s %s %s%n", "package", k, v));
        }
        return Main.EXIT_OK;
    }
}
