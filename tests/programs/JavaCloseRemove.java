// Closing before deleting is fine on Windows; and the JVM's own exit, which on Linux
// unlinks its mapped hsperfdata file, makes no such call on Windows.
import java.io.File;
import java.io.FileOutputStream;
import java.nio.file.Files;

public class JavaCloseRemove {
    public static void main(String[] args) throws Exception {
        File f = new File(args[0], "j.dat");
        try (FileOutputStream out = new FileOutputStream(f)) {
            out.write(1);
        }
        Files.delete(f.toPath());
        System.out.println("deleted");
    }
}
