import { z } from 'zod';
import { secret } from '../../../../config/types.js';
import { concurrency, connectorName, inboundSchema } from '../common.js';

const basicAuthSchema = z
  .object({
    kind: z.literal('basic'),
    username: z.string().min(1).describe('SAP communication user.'),
    password: secret('Its password.'),
  })
  .strict();

const oauthSchema = z
  .object({
    kind: z.literal('oauth2'),
    tokenUrl: z
      .url()
      .describe('OAuth 2.0 token endpoint (client-credentials grant), e.g. the BTP XSUAA `/oauth/token`.'),
    clientId: z.string().min(1),
    clientSecret: secret('OAuth client secret.'),
    scope: z.string().optional().describe('Requested scope, space separated.'),
  })
  .strict();

export const sapSchema = z
  .object({
    kind: z.literal('sap-pm'),
    name: connectorName,
    url: z
      .url()
      .describe(
        'Service root of API_MAINTNOTIFICATION, e.g. `https://erp.example.com/sap/opu/odata/sap/API_MAINTNOTIFICATION`.',
      ),
    auth: z
      .discriminatedUnion('kind', [basicAuthSchema, oauthSchema])
      .describe('Basic auth or OAuth client credentials.'),
    client: z
      .string()
      .regex(/^\d{3}$/)
      .optional()
      .describe('SAP client (`sap-client` query parameter), e.g. `100`.'),
    notificationType: z
      .string()
      .min(1)
      .max(2)
      .default('M2')
      .describe('NotificationType of created notifications (M1, M2…).'),
    planningPlant: z.string().max(4).optional().describe('MaintenancePlanningPlant of created notifications.'),
    technicalObjects: z
      .record(z.string(), z.string().max(40))
      .default({})
      .describe(
        'Asset path → SAP TechnicalObject (equipment or functional location). Machines not listed go without one.',
      ),
    technicalObjectType: z
      .enum(['EAMS_EQUI', 'EAMS_FL'])
      .default('EAMS_EQUI')
      .describe('TechObjIsEquipOrFuncnlLoc: equipment (`EAMS_EQUI`) or functional location (`EAMS_FL`).'),
    orders: z
      .object({
        url: z
          .url()
          .describe(
            'Service root of API_MAINTENANCEORDER, e.g. `https://erp.example.com/sap/opu/odata/sap/API_MAINTENANCEORDER`.',
          ),
        orderType: z.string().min(1).max(4).default('PM01').describe('MaintenanceOrderType of created orders.'),
        mainWorkCenter: z.string().max(8).optional().describe('MainWorkCenter of created orders.'),
      })
      .strict()
      .optional()
      .describe(
        'Also create a maintenance order for the notification once the work order is planned, and keep its basic dates on the planned window.',
      ),
    workOrders: z.boolean().default(true).describe('Send work-order changes here.'),
    inbound: inboundSchema.optional(),
    concurrency,
  })
  .strict()
  .describe(
    'SAP PM: maintenance notifications (API_MAINTNOTIFICATION) and, optionally, orders (API_MAINTENANCEORDER) over OData V2.',
  );

export type SapConnectorConfig = z.output<typeof sapSchema>;
