import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { CourseNextStepsService, CoursePlannerService, CourseService } from '@chairtime/courses';
import { CancelCourseDto, CreateCourseDto, PlanRequestDto } from './course.dto';
import { CourseDto, CourseWithAppointmentsDto, NextStepsDto, PlansDto } from './courses-response.dto';
import { ApiProblems } from '../http/problem.dto';

/** Courses: create, read, plan and cancel. Tenant and patient scope are enforced by the services (404 outside). */
@ApiTags('courses')
@Controller('v1/courses')
export class CoursesController {
  constructor(
    private readonly courses: CourseService,
    private readonly planner: CoursePlannerService,
    private readonly next: CourseNextStepsService,
  ) {}

  @Post()
  @Roles(Role.Scheduler, Role.Patient)
  @ApiCreatedResponse({ type: CourseDto, description: '{id, status: "draft", protocol: {key, version}}' })
  @ApiUnprocessableEntityResponse({ description: 'Screening not approved, contraindication, or missing REMS enrollment' })
  @ApiOperation({ summary: 'Start a course for a patient' })
  @ApiProblems([404, 'Unknown patient or clinic (or another tenant’s)'])
  create(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Body() dto: CreateCourseDto) {
    return this.courses.create({ principal, requestId }, dto);
  }

  @Get(':courseId')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @ApiOkResponse({ type: CourseWithAppointmentsDto, description: 'The course with its appointments in sequence' })
  @ApiNotFoundResponse()
  @ApiOperation({ summary: 'Read a course with its visits' })
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('courseId', ParseUUIDPipe) id: string) {
    return this.courses.get({ principal, requestId }, id);
  }

  @Post(':courseId/cancel')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Clinician, Role.Patient)
  @ApiOkResponse({ type: CourseDto, description: 'The cancelled course; every future visit is cancelled' })
  @ApiOperation({ summary: 'Cancel a course and its future visits' })
  @ApiProblems([409, 'Already cancelled or completed (`currentStatus`)'])
  cancel(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('courseId', ParseUUIDPipe) id: string,
    @Body() dto: CancelCourseDto,
  ) {
    return this.courses.cancel({ principal, requestId }, id, dto.reason);
  }

  @Post(':courseId/plans')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Patient)
  @ApiOkResponse({ type: PlansDto, description: '{plans: [{visits: [{sequence, startsAt, endsAt, chairId}], score}]}, best first' })
  @ApiOperation({ summary: 'Propose series plans that obey the protocol' })
  plans(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('courseId', ParseUUIDPipe) id: string,
    @Body() dto: PlanRequestDto,
  ) {
    return this.planner.plans({ principal, requestId }, id, dto);
  }

  @Get(':courseId/next-steps')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @ApiOkResponse({ type: NextStepsDto, description: '{followUp: {earliest, latest}, booster: {protocolKey, earliest, latest, preferred}}' })
  @ApiOperation({ summary: 'Follow-up and booster windows after an induction' })
  @ApiProblems([409, 'Next steps follow a fully booked IV induction (`currentStatus`)'])
  nextSteps(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('courseId', ParseUUIDPipe) id: string) {
    return this.next.nextSteps({ principal, requestId }, id);
  }
}
