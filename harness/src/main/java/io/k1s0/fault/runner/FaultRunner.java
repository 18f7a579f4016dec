package io.k1s0.fault.runner;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fault-runner}: the command-line entry. Each job is a subcommand; adding one is one entry in
 * {@code subcommands}.
 */
@Command(name = "fault-runner", mixinStandardHelpOptions = true, versionProvider = FaultRunner.Version.class,
        description = "Proves the k1s0 Istio mesh behaves as designed under failure.",
        subcommands = {
            LintCommand.class,
            LocalMeshCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success", "1:a check failed (e.g. an error-level lint finding)",
            "2:bad input (missing file, unreadable YAML, unknown kind or field, bad option)"})
public final class FaultRunner implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultRunner()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** Version from the jar manifest; "development build" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FaultRunner.class.getPackage().getImplementationVersion();
            return new String[] {"fault-runner " + (version == null ? "development build" : version)};
        }
    }
}
