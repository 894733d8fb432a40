import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** Creates the ACLs read from stdin (principal, resource type, name, pattern type, operation; tab separated) in one request. */
public class CreateAcls {
    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) { config.load(in); }
        List<AclBinding> bindings = new ArrayList<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = lines.readLine()) != null;) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            bindings.add(new AclBinding(
                new ResourcePattern(ResourceType.fromString(f[1]), f[2], PatternType.fromString(f[3])),
                new AccessControlEntry(f[0], "*", AclOperation.fromString(f[4]), AclPermissionType.ALLOW)));
        }
        try (Admin admin = Admin.create(config)) {
            admin.createAcls(bindings).all().get();
        }
        System.out.println("created " + bindings.size() + " ACLs");
    }
}
