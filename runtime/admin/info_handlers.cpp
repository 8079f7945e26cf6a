// GET /v1/cluster (what `courierctl cluster status` shows) and GET /v1/openapi.json.
#include "runtime/admin/handlers.hpp"
#include "runtime/admin/openapi.hpp"
#include "runtime/cluster_status.hpp"

namespace courier::admin {

void cluster_status(api_service& svc, const api_call&, net::admin_responder respond) {
  svc.answer([](pqxx::work& tx) { return json_response(200, read_cluster_status(tx).dump()); },
             std::move(respond));
}

void openapi_document(api_service&, const api_call&, net::admin_responder respond) {
  respond({200, "application/json", openapi_json(), {}});
}

} // namespace courier::admin
