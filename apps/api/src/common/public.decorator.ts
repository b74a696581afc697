export { PublicRoute as Public } from '../auth/policy';
