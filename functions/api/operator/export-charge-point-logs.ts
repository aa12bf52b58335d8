import { API } from '../../../lib/api/contract';
import { exportChargePointLog } from '../../../lib/domain/charge-point-log';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(
  API['GET /api/v1/operator/charge-points/{charge_point_id}/logs/export'],
  async ({ principal, params, query }) => {
    const file = await exportChargePointLog(principal.operatorId, params.charge_point_id, query);
    return {
      text: file.body,
      headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"`, 'x-row-count': String(file.rows) },
    };
  },
);
