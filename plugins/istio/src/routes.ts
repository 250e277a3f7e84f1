import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The mesh adoption page (new frontend system). @public */
export const adoptionRouteRef = createRouteRef();
