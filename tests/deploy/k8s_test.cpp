// deploy/k8s rendered by kustomize (built into kubectl, which also turns the YAML into
// JSON here: `annotate --local -o json` needs no cluster), then the invariants checked on
// the rendered objects: the drain fits the grace period, probes hit the admin port's
// paths, secrets stay out of ConfigMaps, node_id is the pod name, and the references
// between objects resolve.
#include "deploy_support.hpp"

#include "tests/support/signature.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace courier::test {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// A Secret's value; kubectl 1.20 wraps long base64 lines.
std::string secret_value(const json& encoded) {
  std::string clean;
  for (char c : encoded.get<std::string>())
    if (c != '\n' && c != ' ')
      clean += c;
  return b64_decode(clean).value_or("<not base64>");
}

class kustomize : public ::testing::Test {
protected:
  void SetUp() override {
    kubectl_ = find_tool("kubectl");
    if (kubectl_.empty())
      GTEST_SKIP() << not_installed("kubectl", "kubernetes-client");
  }

  // Every object `kubectl kustomize dir` renders, as JSON.
  std::vector<json> render(const std::string& dir) {
    scratch_dir out{"courier-k8s-"};
    // No kubeconfig is needed or read: nothing here talks to a cluster.
    const auto rendered =
        run_to_file({kubectl_, "kustomize", source_path(dir)}, out.file("rendered.yaml"));
    EXPECT_EQ(rendered.exit_code, 0) << rendered.output;
    const auto converted = run_to_file({kubectl_, "annotate", "--local", "-o", "json", "-f",
                                        out.file("rendered.yaml"), "courier.test/rendered=true"},
                                       out.file("rendered.json"));
    EXPECT_EQ(converted.exit_code, 0) << converted.output;
    std::vector<json> objects;
    std::istringstream in{read_text(out.file("rendered.json"))};
    while (in >> std::ws && in.peek() != EOF) {
      json object;
      in >> object;
      objects.push_back(std::move(object));
    }
    return objects;
  }

  static const json& only(const std::vector<json>& objects, const std::string& kind,
                          const std::string& name_prefix = "") {
    const json* found = nullptr;
    for (const auto& o : objects)
      if (o["kind"] == kind &&
          o["metadata"]["name"].get<std::string>().rfind(name_prefix, 0) == 0) {
        EXPECT_EQ(found, nullptr) << "more than one " << kind << " " << name_prefix;
        found = &o;
      }
    if (found == nullptr)
      throw std::runtime_error("no " + kind + " " + name_prefix + " rendered");
    return *found;
  }

  static const json& env_var(const json& container, const std::string& name) {
    for (const auto& e : container["env"])
      if (e["name"] == name)
        return e;
    throw std::runtime_error("container " + container["name"].get<std::string>() + " has no " +
                             name);
  }

  std::string kubectl_;
};

TEST_F(kustomize, example_overlay_renders_a_consistent_cluster) {
  const auto objects = render("deploy/k8s/overlays/example");
  ASSERT_FALSE(objects.empty());
  const json& sts = only(objects, "StatefulSet");
  const json& configmap = only(objects, "ConfigMap");
  const json& secret = only(objects, "Secret");
  const json& pdb = only(objects, "PodDisruptionBudget");
  const json& job = only(objects, "Job");
  const json& admin = only(objects, "Service", "courier-admin");
  const json& governing = only(objects, "Service", sts["spec"]["serviceName"]);
  const json& pod = sts["spec"]["template"];
  ASSERT_EQ(pod["spec"]["containers"].size(), 1u);
  const json& node = pod["spec"]["containers"][0];

  // The node's configuration, loaded by courierd's own loader with the pod's environment.
  ASSERT_TRUE(configmap["data"].contains("courierd.toml"));
  const std::string toml = configmap["data"]["courierd.toml"];
  const auto cfg =
      load_node_config(toml, {"COURIER_DB=" + secret_value(secret["data"]["db"]),
                              "COURIER_ADMIN_TOKEN=" + secret_value(secret["data"]["admin_token"]),
                              "COURIER_NODE_ID=courier-0"});
  EXPECT_EQ(node["args"], json({"--config", "/etc/courier/courierd.toml"}));

  // SIGTERM: the drain takes shutdown_grace_ms and the node gives up 5 s later; the pod
  // must not be killed before that.
  const std::chrono::milliseconds grace =
      std::chrono::seconds{pod["spec"]["terminationGracePeriodSeconds"].get<int>()};
  EXPECT_GT(grace.count(), (cfg.shutdown_grace + 5s).count()) << "milliseconds";

  // Probes and scraping on the admin port, on the right paths.
  const auto admin_port = std::stoi(cfg.admin_listen.substr(cfg.admin_listen.rfind(':') + 1));
  ASSERT_EQ(node["ports"].size(), 1u);
  EXPECT_EQ(node["ports"][0]["containerPort"], admin_port);
  const std::string port_name = node["ports"][0]["name"];
  EXPECT_EQ(node["readinessProbe"]["httpGet"]["path"], "/readyz");
  EXPECT_EQ(node["readinessProbe"]["httpGet"]["port"], port_name);
  EXPECT_EQ(node["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(node["livenessProbe"]["httpGet"]["port"], port_name);
  EXPECT_EQ(pod["metadata"]["annotations"]["prometheus.io/scrape"], "true");
  EXPECT_EQ(pod["metadata"]["annotations"]["prometheus.io/port"], std::to_string(admin_port));
  EXPECT_EQ(pod["metadata"]["annotations"]["prometheus.io/path"], "/metrics");
  for (const json* service : {&admin, &governing})
    EXPECT_EQ((*service)["spec"]["ports"][0]["targetPort"], port_name);

  // node_id is the pod's stable name; nothing else sets it.
  EXPECT_EQ(env_var(node, "COURIER_NODE_ID")["valueFrom"]["fieldRef"]["fieldPath"],
            "metadata.name");
  EXPECT_EQ(toml.find("\nnode_id"), std::string::npos);

  // db and admin_token come from the Secret only; no secret value is in a ConfigMap.
  const std::string secret_name = secret["metadata"]["name"];
  for (const auto& [var, key] :
       {std::pair{"COURIER_DB", "db"}, {"COURIER_ADMIN_TOKEN", "admin_token"}}) {
    const json& ref = env_var(node, var)["valueFrom"]["secretKeyRef"];
    EXPECT_EQ(ref["name"], secret_name) << var;
    EXPECT_EQ(ref["key"], key) << var;
    EXPECT_TRUE(secret["data"].contains(key)) << key;
  }
  for (const auto& o : objects) {
    if (o["kind"] != "ConfigMap")
      continue;
    const std::string data = o["data"].dump();
    for (const auto& [key, value] : secret["data"].items())
      EXPECT_EQ(data.find(secret_value(value)), std::string::npos)
          << "the value of secret key " << key << " is in ConfigMap " << o["metadata"]["name"];
    for (const char* key : {"db", "admin_token"})
      EXPECT_EQ(data.find(std::string{"\\n"} + key + " ="), std::string::npos)
          << key << " set in ConfigMap " << o["metadata"]["name"];
  }
  // The mounted config is the rendered ConfigMap (its hashed name).
  EXPECT_EQ(pod["spec"]["volumes"][0]["configMap"]["name"], configmap["metadata"]["name"]);

  // The migrate Job runs courierctl migrate against the same database.
  const json& migrate = job["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(migrate["command"], json({"/usr/local/bin/courierctl", "migrate"}));
  EXPECT_EQ(migrate["image"], node["image"]);
  EXPECT_EQ(env_var(migrate, "COURIER_DB")["valueFrom"]["secretKeyRef"]["name"], secret_name);

  // The disruption budget and both Services select exactly the node pods.
  const json& pod_labels = pod["metadata"]["labels"];
  EXPECT_EQ(sts["spec"]["selector"]["matchLabels"], pdb["spec"]["selector"]["matchLabels"]);
  for (const auto& [label, value] : pdb["spec"]["selector"]["matchLabels"].items())
    EXPECT_EQ(pod_labels[label], value) << label;
  for (const json* service : {&admin, &governing})
    EXPECT_EQ((*service)["spec"]["selector"], sts["spec"]["selector"]["matchLabels"]);
  EXPECT_EQ(governing["spec"]["clusterIP"], "None");

  // Requests sized from the measured RSS; the pod runs as a non-root user.
  EXPECT_TRUE(node["resources"]["requests"].contains("memory"));
  EXPECT_TRUE(node["resources"]["requests"].contains("cpu"));
  EXPECT_TRUE(node["resources"]["limits"].contains("memory"));
  EXPECT_EQ(pod["spec"]["securityContext"]["runAsNonRoot"], true);
}

TEST_F(kustomize, base_renders_on_its_own) {
  const auto objects = render("deploy/k8s/base");
  EXPECT_EQ(objects.size(), 6u); // StatefulSet, 2 Services, PDB, Job, ConfigMap
  for (const auto& o : objects)
    EXPECT_NE(o["kind"], "Secret") << "secrets belong to an overlay";
}

} // namespace
} // namespace courier::test
