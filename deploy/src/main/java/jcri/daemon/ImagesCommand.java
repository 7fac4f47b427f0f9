package jcri.daemon;

import com.google.protobuf.ByteString;
import io.grpc.StatusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import jcri.api.images.v1.ExportRequest;
import jcri.api.images.v1.ImagesGrpc;
import jcri.api.images.v1.ImportRequest;
import jcri.config.JcriConfig;

/**
 * {@code jcrid images import [--socket PATH] FILE|-} and {@code jcrid images export [--socket PATH] -o FILE|- REF...}:
 * a client of the running daemon's {@code jcri.images.v1.Images} service that streams the archive from or to a file
 * or standard input/output. Nothing of the daemon is set up.
 *
 * @param action {@code import} or {@code export}
 * @param socket jcrid's socket
 * @param file the archive; {@code -} for standard input or output
 * @param images what to export
 */
record ImagesCommand(String action, String socket, String file, List<String> images) {
    static final String USAGE = "usage: jcrid images import [--socket PATH] FILE|-\n"
            + "       jcrid images export [--socket PATH] -o FILE|- IMAGE...";
    private static final int CHUNK = 64 << 10;

    /** Parses the arguments after {@code images}; a bad one is an {@link IllegalArgumentException} saying what is wrong. */
    static ImagesCommand parse(List<String> args) {
        if (args.isEmpty() || !List.of("import", "export").contains(args.getFirst())) {
            throw new IllegalArgumentException("jcrid images needs import or export\n" + USAGE);
        }
        var action = args.getFirst();
        var socket = JcriConfig.defaults().socket();
        String file = null;
        var operands = new ArrayList<String>();
        for (int i = 1; i < args.size(); i++) {
            var arg = args.get(i);
            switch (arg) {
                case "--socket", "-o" -> {
                    if (i + 1 == args.size()) {
                        throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
                    }
                    if (arg.equals("-o")) {
                        file = args.get(++i);
                    } else {
                        socket = args.get(++i);
                    }
                }
                default -> {
                    if (arg.startsWith("-") && !arg.equals("-")) {
                        throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
                    }
                    operands.add(arg);
                }
            }
        }
        if (action.equals("import")) {
            if (file != null || operands.size() != 1) {
                throw new IllegalArgumentException("jcrid images import takes one archive (or - for standard input)\n" + USAGE);
            }
            return new ImagesCommand(action, socket, operands.getFirst(), List.of());
        }
        if (file == null || operands.isEmpty()) {
            throw new IllegalArgumentException("jcrid images export needs -o FILE and at least one image\n" + USAGE);
        }
        return new ImagesCommand(action, socket, file, List.copyOf(operands));
    }

    /** Runs the command; returns the exit status (0, or 1 with the daemon's answer on standard error). */
    int run() throws IOException, InterruptedException {
        try (var channel = LocalChannel.open(socket)) {
            var stub = ImagesGrpc.newBlockingV2Stub(channel.channel());
            if (action.equals("import")) {
                try (var in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
                    importFrom(stub, in);
                }
            } else if (file.equals("-")) {
                exportTo(stub, System.out);
            } else {
                exportToFile(stub, Path.of(file));
            }
            return 0;
        } catch (StatusException e) {
            System.err.println("jcrid images " + action + ": " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        }
    }

    private static void importFrom(ImagesGrpc.ImagesBlockingV2Stub stub, InputStream in)
            throws IOException, InterruptedException, StatusException {
        var call = stub.import_();
        var buffer = new byte[CHUNK];
        for (int n; (n = in.readNBytes(buffer, 0, CHUNK)) > 0; ) {
            if (!call.write(ImportRequest.newBuilder().setChunk(ByteString.copyFrom(buffer, 0, n)).build())) {
                break; // the daemon answered early (a bad archive): its answer says why
            }
        }
        call.halfClose();
        var response = call.read();
        for (var image : response.getImagesList()) {
            var names = new ArrayList<>(image.getRepoTagsList());
            if (names.isEmpty()) {
                names.addAll(image.getRepoDigestsList());
            }
            System.out.println(image.getId() + (names.isEmpty() ? "" : " " + String.join(" ", names)));
        }
    }

    private void exportToFile(ImagesGrpc.ImagesBlockingV2Stub stub, Path target)
            throws IOException, InterruptedException, StatusException {
        var partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try (var out = Files.newOutputStream(partial)) {
            exportTo(stub, out);
        } catch (IOException | InterruptedException | StatusException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private void exportTo(ImagesGrpc.ImagesBlockingV2Stub stub, OutputStream out)
            throws IOException, InterruptedException, StatusException {
        var call = stub.export(ExportRequest.newBuilder().addAllImages(images).build());
        for (var response = call.read(); response != null; response = call.read()) {
            response.getChunk().writeTo(out);
        }
        out.flush();
    }
}
