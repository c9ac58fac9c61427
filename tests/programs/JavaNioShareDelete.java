// java.nio opens share delete on Windows (WindowsChannelFactory: FILE_SHARE_READ |
// FILE_SHARE_WRITE | FILE_SHARE_DELETE), java.io does not (io_util_md.c). Deleting a file
// that an NIO writer holds is fine; so is DELETE_ON_CLOSE (Linux unlinks right after the
// open, Windows deletes on close). The same name held by a java.io FileOutputStream is a
// sharing violation, also when an NIO write of it came between: two findings, x.dat and
// q.dat.
// Run in source-file mode: `java JavaNioShareDelete.java DIR`.
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.*;

public class JavaNioShareDelete {
    public static void main(String[] args) throws Exception {
        Path p = Paths.get(args[0], "x.dat");
        try (Writer w = Files.newBufferedWriter(p)) {
            w.write("nio");
            Files.delete(p);
        }
        Path t = Files.writeString(Paths.get(args[0], "t.dat"), "t");
        try (OutputStream o = Files.newOutputStream(t, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            o.write(1);
        }
        Files.writeString(p, "nio again");
        try (FileOutputStream out = new FileOutputStream(p.toFile())) {
            out.write(1);
            Files.delete(p);
        }
        Path q = Paths.get(args[0], "q.dat");
        try (FileOutputStream out = new FileOutputStream(q.toFile())) {
            Files.writeString(q, "nio, closed again");
            Files.delete(q);
        }
        System.out.println("done");
    }
}
